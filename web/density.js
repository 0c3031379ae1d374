// The density viewer's logic: reads a cube file, draws atoms and an isosurface with 3Dmol.js, isovalue slider, download.
/* global $3Dmol */
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const viewer = $3Dmol.createViewer($("viewer"), { backgroundColor: "white" });
  let cube = null; // { name, text, volume, min, max }
  let surfaces = [];

  /** The values' range from the cube text: the header is 6 lines + one per atom (+1 with a negative atom count). */
  function valueRange(text) {
    const lines = text.split(/\r?\n/);
    const nAtoms = parseInt(lines[2].trim().split(/\s+/)[0], 10);
    const shape = [3, 4, 5].map((i) => Math.abs(parseInt(lines[i].trim().split(/\s+/)[0], 10)));
    if (!Number.isFinite(nAtoms) || shape.some((n) => !(n > 0))) throw new Error("not a cube file (bad header)");
    let min = Infinity, max = -Infinity, count = 0;
    for (let i = 6 + Math.abs(nAtoms) + (nAtoms < 0 ? 1 : 0); i < lines.length; i++) {
      for (const t of lines[i].trim().split(/\s+/)) {
        if (t === "") continue;
        const v = Number(t);
        if (v < min) min = v;
        if (v > max) max = v;
        count++;
      }
    }
    const expected = shape[0] * shape[1] * shape[2];
    if (count !== expected) throw new Error(`cube has ${count} values, its grid ${shape.join("x")} needs ${expected}`);
    return { min, max, shape };
  }

  /** Slider position (0..1000) -> isovalue on a log scale from 1e-4 to 0.95 of the largest |value|. */
  function isovalue() {
    const top = Math.max(Math.abs(cube.max), Math.abs(cube.min)) * 0.95;
    return top * Math.pow(10, -4 * (1 - Number($("iso").value) / 1000));
  }

  function drawSurfaces() {
    for (const s of surfaces) viewer.removeShape(s);
    surfaces = [];
    const iso = isovalue();
    const alpha = $("opaque").checked ? 1 : 0.6;
    $("isoValue").textContent = iso.toExponential(3);
    if (cube.max >= iso) surfaces.push(viewer.addIsosurface(cube.volume, { isoval: iso, color: "#2b7bba", alpha, smoothness: 1 }));
    // Orbitals: the negative lobe too.
    if (cube.min <= -iso) surfaces.push(viewer.addIsosurface(cube.volume, { isoval: -iso, color: "#d7301f", alpha, smoothness: 1 }));
    viewer.render();
  }

  function show(name, text) {
    const range = valueRange(text);
    viewer.clear();
    surfaces = [];
    const model = viewer.addModel(text, "cube");
    viewer.setStyle({}, { stick: { radius: 0.12 }, sphere: { scale: 0.22 } });
    cube = { name, text, volume: new $3Dmol.VolumeData(text, "cube"), ...range };
    const lines = text.split(/\r?\n/);
    $("info").textContent = `${lines[0]} | ${lines[1]} | ${model.selectedAtoms({}).length} atoms, grid ${range.shape.join(" x ")}, ` +
      `values ${range.min.toExponential(3)} .. ${range.max.toExponential(3)}`;
    $("status").textContent = name;
    $("status").className = "";
    $("iso").disabled = false;
    $("download").disabled = false;
    viewer.zoomTo();
    drawSurfaces();
  }

  function fail(e) {
    $("status").textContent = `error: ${e.message}`;
    $("status").className = "error";
  }

  $("cubeFile").addEventListener("change", async () => {
    const file = $("cubeFile").files[0];
    if (!file) return;
    try { show(file.name, await file.text()); } catch (e) { fail(e); }
  });
  $("iso").addEventListener("input", () => cube && drawSurfaces());
  $("opaque").addEventListener("change", () => cube && drawSurfaces());
  $("download").addEventListener("click", () => {
    if (!cube) return;
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([cube.text], { type: "chemical/x-cube" }));
    a.download = cube.name.endsWith(".cube") ? cube.name : `${cube.name}.cube`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });

  // ?cube=URL loads a cube served beside the page (e.g. copied into dist/density-page/).
  const url = new URLSearchParams(location.search).get("cube");
  if (url) {
    fetch(url).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${url}: HTTP ${r.status}`))))
      .then((text) => show(url.split("/").pop(), text)).catch(fail);
  }
})();
