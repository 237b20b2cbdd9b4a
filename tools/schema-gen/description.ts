// `kubectl explain` and the rebuilt OpenAPI documents only need a short description; the full
// upstream prose is most of the documents' size. Keep the first sentence.

// Words that end with a period without ending the sentence.
const abbreviations = new Set(['e.g', 'i.e', 'etc', 'vs', 'cf', 'approx', 'ex', 'eg', 'ie', 'no', 'st', 'mr', 'dr']);

export function firstSentence(text: string): string {
  // A paragraph break always ends the sentence.
  const para = text.split(/\n\s*\n/)[0] ?? '';
  const flat = para.replace(/\s+/g, ' ').trim();
  const re = /[.!?](?=\s|$)/g;
  for (let m = re.exec(flat); m !== null; m = re.exec(flat)) {
    const end = m.index;
    const wordStart = flat.lastIndexOf(' ', end - 1) + 1;
    const word = flat.slice(wordStart, end).replace(/^[("'`]+/, '').toLowerCase();
    if (flat[end] === '.' && abbreviations.has(word)) continue;
    // "1. " in a numbered list or a version like "v1." is not a sentence end.
    if (flat[end] === '.' && /^\d+$/.test(word)) continue;
    return flat.slice(0, end + 1);
  }
  return flat;
}
