import { isoNow } from '../../clock.js';
import type { Db } from '../../db/connect.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { newId } from '../ids.js';
import { findLiveOrganization } from '../orgs/repository.js';
import { classify, words } from './classifier.js';
import { findCategoryByNameKey, insertCategoryIfAbsent, listCategoryRows, type CategoryRow } from './repository.js';

export const MAX_CATEGORY_NAME_LENGTH = 100;
export const MAX_KEYWORD_LENGTH = 100;
export const MAX_KEYWORDS = 100;

export interface Category {
  id: string;
  name: string;
  keywords: string[];
  createdAt: string;
}

export interface CategoryInput {
  name: string;
  keywords?: readonly string[];
}

/** Names are compared case-insensitively: this key is what the unique index holds. */
export function categoryNameKey(name: string): string {
  return name.trim().toLowerCase();
}

function invalid(field: string, reason: string): DomainError {
  return new DomainError({ code: 'invalid_input', field, reason });
}

/**
 * A category's name trimmed (1 to 100 characters) and its keywords trimmed, blanks dropped, duplicates (ignoring
 * case) collapsed, first spelling kept. A keyword must contain a letter or a digit, or it could never match.
 */
export function normalizeCategoryInput(input: CategoryInput): { name: string; keywords: string[] } {
  const name = input.name.trim();
  if (name === '') throw invalid('name', 'must not be empty');
  if ([...name].length > MAX_CATEGORY_NAME_LENGTH) throw invalid('name', `must be at most ${MAX_CATEGORY_NAME_LENGTH} characters`);
  if (name.includes('\0')) throw invalid('name', 'must not contain NUL characters');
  const keywords: string[] = [];
  const seen = new Set<string>();
  for (const raw of input.keywords ?? []) {
    const keyword = raw.trim();
    if (keyword === '') continue;
    if ([...keyword].length > MAX_KEYWORD_LENGTH) throw invalid('keywords', `"${keyword}" is longer than ${MAX_KEYWORD_LENGTH} characters`);
    if (words(keyword).length === 0) throw invalid('keywords', `"${keyword}" has no letter or digit`);
    if (keyword.includes('\0')) throw invalid('keywords', 'must not contain NUL characters');
    const key = keyword.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    keywords.push(keyword);
  }
  if (keywords.length > MAX_KEYWORDS) throw invalid('keywords', `at most ${MAX_KEYWORDS} keywords`);
  return { name, keywords };
}

function present(row: CategoryRow): Category {
  return { id: row.id, name: row.name, keywords: JSON.parse(row.keywords) as string[], createdAt: row.created_at };
}

async function requireOrganization(db: Db, organizationId: string): Promise<void> {
  if (!(await findLiveOrganization(db, organizationId))) throw new DomainError({ code: 'organization_not_found' });
}

/** Creates a category; a name the organization already uses, in any case, is `category_name_taken`. */
export async function createCategory(ctx: DomainContext, organizationId: string, input: CategoryInput): Promise<Category> {
  const { db } = ctx.database;
  const { name, keywords } = normalizeCategoryInput(input);
  await requireOrganization(db, organizationId);
  const row: CategoryRow = {
    id: newId(),
    organization_id: organizationId,
    name,
    name_key: categoryNameKey(name),
    keywords: JSON.stringify(keywords),
    created_at: isoNow(ctx.clock),
  };
  if (!(await insertCategoryIfAbsent(db, row))) {
    const holder = await findCategoryByNameKey(db, organizationId, row.name_key);
    throw new DomainError({ code: 'category_name_taken', name: holder?.name ?? name });
  }
  return present(row);
}

export async function listCategories(ctx: DomainContext, organizationId: string): Promise<Category[]> {
  const { db } = ctx.database;
  await requireOrganization(db, organizationId);
  return (await listCategoryRows(db, organizationId)).map(present);
}

/**
 * The category a new ticket goes to: the organization's category named `requested` (ignoring case and surrounding
 * spaces) when there is one, otherwise the classifier's choice over `texts`, which may be none.
 */
export async function chooseCategory(
  db: Db,
  organizationId: string,
  requested: string | undefined,
  texts: readonly string[],
): Promise<{ id: string; name: string } | null> {
  if (requested !== undefined && requested.trim() !== '') {
    const named = await findCategoryByNameKey(db, organizationId, categoryNameKey(requested));
    if (named) return { id: named.id, name: named.name };
  }
  const categories = (await listCategoryRows(db, organizationId)).map(present);
  const chosen = classify(texts, categories);
  return chosen ? { id: chosen.id, name: chosen.name } : null;
}
