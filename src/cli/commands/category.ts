import { createCategory, listCategories } from '../../domain/categories/service.js';
import { DomainError, isDomainError } from '../../domain/errors.js';
import { CliError, requiredOrgId, requiredString, type Command } from '../command.js';

/** Domain failures as one line for the operator; anything else is rethrown. */
export function explainDomainError(org: string) {
  return (error: unknown): never => {
    if (isDomainError(error, 'organization_not_found')) throw new CliError(`organization not found: ${org}`);
    if (isDomainError(error, 'category_name_taken')) throw new CliError(`category already exists: ${error.problem.name}`);
    if (isDomainError(error, 'customer_not_found')) throw new CliError('customer not found in this organization');
    if (error instanceof DomainError && error.problem.code === 'invalid_input') {
      throw new CliError(`invalid --${error.problem.field}: ${error.problem.reason}`);
    }
    throw error;
  };
}

export const categoryAdd: Command = {
  name: 'category add',
  summary: 'Create a ticket category (names are unique per organization, ignoring case)',
  usage: 'telemap category add --org <organizationId> --name <name> [--keywords a,b,c] [--json]',
  options: { org: { type: 'string' }, name: { type: 'string' }, keywords: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const org = requiredOrgId(args, this);
    const name = requiredString(args, 'name', this);
    const rawKeywords = args.values.keywords;
    const keywords = typeof rawKeywords === 'string' ? rawKeywords.split(',') : [];
    const category = await io.withContext((ctx) => createCategory(ctx, org, { name, keywords })).catch(explainDomainError(org));
    if (args.values.json) {
      io.out(JSON.stringify(category));
      return;
    }
    io.out(`Category ${category.id} "${category.name}" created${category.keywords.length ? ` (keywords: ${category.keywords.join(', ')})` : ''}.`);
  },
};

export const categoryList: Command = {
  name: 'category list',
  summary: "List an organization's ticket categories and their keywords",
  usage: 'telemap category list --org <organizationId> [--json]',
  options: { org: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const org = requiredOrgId(args, this);
    const categories = await io.withContext((ctx) => listCategories(ctx, org)).catch(explainDomainError(org));
    if (args.values.json) {
      io.out(JSON.stringify(categories));
      return;
    }
    if (categories.length === 0) io.out(`No categories. Create one with: telemap category add --org ${org} --name <name>`);
    for (const c of categories) io.out(`${c.id}  ${c.name}  keywords: ${c.keywords.length ? c.keywords.join(', ') : '-'}`);
  },
};
