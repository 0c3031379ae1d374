// Parser for .xyz files, single or multi-molecule: atom-count line, comment line (the id), atom lines; repeated.
import { MoleculeParseError, parseFailure, type ParseItem } from "./parseError.js";
import { LineReader, buildMolecule, idProblem, parseAtomLine, type Atom, type Line, type TextSource } from "./lineReader.js";
import { extxyzId, parseComment, parseExtxyzAtom } from "./extxyz.js";

const INTEGER_LINE = /^[+-]?\d+$/;

/** The last path component, so generated ids do not depend on the directory the file was read from. */
function baseName(fileName: string): string {
  const parts = fileName.split(/[\\/]/);
  return parts[parts.length - 1] || fileName;
}

/**
 * Streams the molecules of an xyz file, one item per molecule. A molecule's atom lines run until a blank line, a
 * lone integer (the next count line), the end, or (once `count` lines are read) a line that is no atom line, rather
 * than exactly `count` lines: that way a wrong count is reported as such and the next molecule is still found.
 * Atom lines may give the atomic number instead of the symbol.
 *
 * Extended XYZ (ASE's default output): a comment line with `Properties=species:S:1:pos:R:3[:name:type:n...]`
 * and key=value pairs. The atom lines then have the columns Properties= lists; only the element and the position
 * are read, the others are ignored. Ids: a plain comment is the id; an extended comment's id is its `id=` value,
 * else its `name=` value; without either, molecule n (1-based) of the file gets `<file>#<n>`.
 */
export function* iterateXyz(text: TextSource, fileName = "<input>"): Generator<ParseItem> {
  const reader = new LineReader(text);
  let n = 0;
  for (;;) {
    let countLine: Line | undefined;
    do countLine = reader.next();
    while (countLine && countLine.text.trim() === "");
    if (!countLine) return;
    n++;

    // The comment line is always the next line, even when blank or numeric.
    const comment = reader.next();
    const { info, layout } = parseComment(comment?.text ?? "");
    const given = layout === undefined ? comment?.text.trim() : extxyzId(info);
    const id = given || `${baseName(fileName)}#${n}`;
    const errors: MoleculeParseError[] = [];
    const fail = (line: Line, reason: string) => errors.push(new MoleculeParseError(fileName, line.no, id, reason));
    if (typeof layout === "string") fail(comment!, `extended xyz comment: ${layout}`);
    const bad = idProblem(id);
    if (bad) fail(comment ?? countLine, bad);
    const parseAtom = (t: string): Atom | string =>
      typeof layout === "object" ? parseExtxyzAtom(t, layout) : parseAtomLine(t, true);

    const countText = countLine.text.trim();
    const count = INTEGER_LINE.test(countText) ? Number(countText) : NaN;

    const atomLines: Line[] = [];
    for (let p = reader.peek(); p; p = reader.peek()) {
      const t = p.text.trim();
      if (t === "" || INTEGER_LINE.test(t)) break;
      // Past the promised count, only a real atom line is an extra atom; anything else starts the next molecule.
      if (atomLines.length >= count && typeof parseAtom(t) === "string") break;
      atomLines.push(reader.next()!);
    }

    if (!(count > 0)) {
      fail(countLine, `atom count line "${countText}" is not a positive integer`);
    } else if (!comment) {
      fail(countLine, `atom count line says ${count} atom(s) but the file ends before the comment line`);
    } else if (count !== atomLines.length) {
      fail(countLine, `atom count line says ${count} atom(s) but ${atomLines.length} atom line(s) follow`);
    }

    const atoms: Atom[] = [];
    if (typeof layout !== "string") {
      for (const l of atomLines) {
        const a = parseAtom(l.text);
        if (typeof a === "string") fail(l, a);
        else atoms.push(a);
      }
    }

    if (errors.length > 0) {
      yield parseFailure(errors, countLine.no);
      continue;
    }
    yield { molecule: buildMolecule(id, atoms, undefined, { file: fileName, line: countLine.no }) };
  }
}
