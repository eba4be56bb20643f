import { isPlausibleEmail, normalizeEmail } from '../../domain/customers/email.js';
import { linkOrder } from '../../domain/orders/service.js';
import { CliError, requiredOrgId, requiredString, type Command } from '../command.js';
import { explainDomainError } from './category.js';

export const orderLink: Command = {
  name: 'order link',
  summary: "Link an order identifier to a customer (shown in the customer's `orders`); linking twice is a no-op",
  usage: 'telemap order link --org <organizationId> --customer <email> --order <identifier>',
  options: { org: { type: 'string' }, customer: { type: 'string' }, order: { type: 'string' } },
  async run(args, io) {
    const org = requiredOrgId(args, this);
    const email = normalizeEmail(requiredString(args, 'customer', this));
    if (!isPlausibleEmail(email)) throw new CliError(`invalid email: ${email}`);
    const order = requiredString(args, 'order', this);
    const result = await io
      .withContext((ctx) => linkOrder(ctx, org, { customerEmail: email }, order))
      .catch(explainDomainError(org));
    io.out(result.linked ? `Order ${order} linked to ${email}.` : `Order ${order} was already linked to ${email}.`);
  },
};
