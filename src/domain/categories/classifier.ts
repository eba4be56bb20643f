// Automatic categorization of a ticket: a pure, deterministic function of the text and the organization's
// categories, so that the same ticket always lands in the same category and a support lead can predict why.
//
// - Text and terms are split into words: maximal runs of Unicode letters and digits, lower-cased. Everything else
//   (spaces, punctuation, hyphens) separates words, so "Wi-Fi" in a keyword matches "wi fi", "WI-FI" and "wi/fi".
// - A category's terms are its name and each of its keywords; a term of several words matches only as a phrase
//   (consecutive words). Terms without any letter or digit never match; a term listed twice counts once.
// - Score of a category = number of whole-word occurrences of its terms in the text.
// - Highest score wins; ties go to the category whose name sorts first (by its lower-cased name, then by name).
// - Score zero for every category: no category (the ticket stays uncategorized).

export interface ClassifiableCategory {
  id: string;
  name: string;
  keywords: readonly string[];
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a text, lower-cased, in order. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Positions of every word, so each term is checked only where its first word occurs. */
function indexWords(tokens: readonly string[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  tokens.forEach((token, position) => {
    const positions = index.get(token);
    if (positions) positions.push(position);
    else index.set(token, [position]);
  });
  return index;
}

function occurrences(term: readonly string[], tokens: readonly string[], index: Map<string, number[]>): number {
  const starts = index.get(term[0]!) ?? [];
  let count = 0;
  for (const start of starts) {
    if (term.every((word, offset) => tokens[start + offset] === word)) count += 1;
  }
  return count;
}

/** How many whole-word occurrences of the category's name and keywords the words contain. */
export function scoreCategory(category: ClassifiableCategory, tokens: readonly string[], index = indexWords(tokens)): number {
  const terms = new Map<string, string[]>();
  for (const raw of [category.name, ...category.keywords]) {
    const term = words(raw);
    if (term.length > 0) terms.set(term.join(' '), term);
  }
  let score = 0;
  for (const term of terms.values()) score += occurrences(term, tokens, index);
  return score;
}

function compareNames(a: ClassifiableCategory, b: ClassifiableCategory): number {
  const ka = a.name.toLowerCase();
  const kb = b.name.toLowerCase();
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The best-matching category for the texts (title, description, message contents ...), or undefined when no
 * category's name or keyword occurs in them.
 */
export function classify<C extends ClassifiableCategory>(texts: readonly string[], categories: readonly C[]): C | undefined {
  // An organization without categories is common (they are optional): no need to split the texts into words.
  if (categories.length === 0) return undefined;
  // An empty string between texts, which no word equals, keeps a phrase from spanning the end of one text and
  // the start of the next.
  const tokens = texts.flatMap((text) => ['', ...words(text)]);
  const index = indexWords(tokens);
  let best: { category: C; score: number } | undefined;
  for (const category of categories) {
    const score = scoreCategory(category, tokens, index);
    if (score === 0) continue;
    if (!best || score > best.score || (score === best.score && compareNames(category, best.category) < 0)) {
      best = { category, score };
    }
  }
  return best?.category;
}
