// Parser for the QDF text format (method.md 1): blank-line-separated blocks of id, atom lines, optional property line.
import { MoleculeParseError, parseFailure, type ParseItem } from "./parseError.js";
import {
  LineReader,
  buildMolecule,
  idProblem,
  looksNumeric,
  parseAtomLine,
  parseFiniteNumber,
  tokens,
  type Atom,
  type Line,
  type TextSource,
} from "./lineReader.js";

/** Yields the file's blocks: runs of non-blank lines (any number of blank lines between them). */
function* blocks(text: TextSource): Generator<Line[]> {
  const reader = new LineReader(text);
  let block: Line[] = [];
  for (let l = reader.next(); l; l = reader.next()) {
    if (l.text.trim() === "") {
      if (block.length > 0) yield block;
      block = [];
    } else {
      block.push(l);
    }
  }
  if (block.length > 0) yield block;
}

/** A property line starts with a number; no element symbol does. */
function isPropertyLine(text: string): boolean {
  const first = tokens(text)[0];
  return first !== undefined && looksNumeric(first);
}

/**
 * Streams the molecules of a QDF text file, one item per block. A bad block yields one failure holding all its
 * errors (so one run shows every problem) and no molecule; parsing goes on with the next block.
 * Every property line must have as many values as the first good molecule's (none counts as 0).
 */
export function* iterateQdf(text: TextSource, fileName = "<input>"): Generator<ParseItem> {
  let expectedProps: number | undefined;
  for (const block of blocks(text)) {
    const idLine = block[0]!;
    const id = idLine.text.trim();
    const errors: MoleculeParseError[] = [];
    const fail = (line: Line, reason: string) => errors.push(new MoleculeParseError(fileName, line.no, id, reason));

    // A blank line inside a molecule splits it; the second half then has an atom line where the id should be.
    if (typeof parseAtomLine(idLine.text, false) !== "string") {
      const reason = `expected a molecule id, found an atom line "${id}" (missing id, or a blank line inside a molecule?)`;
      yield parseFailure([new MoleculeParseError(fileName, idLine.no, undefined, reason)], idLine.no);
      continue;
    }

    const last = block[block.length - 1]!;
    const propLine = block.length > 1 && isPropertyLine(last.text) ? last : undefined;
    const atomLines = block.slice(1, propLine ? -1 : undefined);

    const bad = idProblem(id);
    if (bad) fail(idLine, bad);
    const atoms: Atom[] = [];
    for (const l of atomLines) {
      if (isPropertyLine(l.text)) {
        fail(l, `expected an atom line "symbol x y z", found a line of numbers (a property line must be the molecule's last line)`);
        continue;
      }
      const a = parseAtomLine(l.text, false);
      if (typeof a === "string") fail(l, a);
      else atoms.push(a);
    }
    if (atomLines.length === 0) fail(idLine, "molecule has no atom lines");

    let props: number[] | undefined = [];
    if (propLine) {
      for (const tok of tokens(propLine.text)) {
        const v = parseFiniteNumber(tok, "property value");
        if (typeof v === "string") {
          fail(propLine, v);
          props = undefined;
          break;
        }
        props.push(v);
      }
    }

    if (props && atomLines.length > 0 && expectedProps !== undefined && props.length !== expectedProps) {
      const reason =
        expectedProps === 0
          ? `unexpected property line with ${props.length} value(s): the file's first molecule has none`
          : props.length === 0
            ? `missing property line: the file's first molecule has ${expectedProps} value(s)`
            : `property line has ${props.length} value(s), the file's first molecule has ${expectedProps}`;
      fail(propLine ?? last, reason);
    }

    if (errors.length > 0) {
      yield parseFailure(errors, idLine.no);
      continue;
    }
    // Only a clean molecule sets the expected count, so one broken first block does not condemn the rest.
    if (expectedProps === undefined) expectedProps = props!.length;
    yield { molecule: buildMolecule(id, atoms, props, { file: fileName, line: idLine.no }) };
  }
}
