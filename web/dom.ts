// What the page's panels share of the DOM: elements by id, and saving a text as a downloaded file.

/** The page's element with this id (index.html holds every id the scripts name). */
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** Offers `text` as a download named `name` (the object URL is released once the click has taken it). */
export function saveText(name: string, text: string, type = "text/tab-separated-values"): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
