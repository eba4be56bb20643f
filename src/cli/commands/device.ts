import { isDomainError } from '../../domain/errors.js';
import { issueDeviceTokenByIdentifier } from '../../domain/telemetry/device-tokens.js';
import { CliError, requiredOrgId, requiredString, type Command } from '../command.js';

export const deviceToken: Command = {
  name: 'device token',
  summary: "Issue a device's token for POST /api/v1/telemetry and MQTT (replaces its previous one at once)",
  usage: 'telemap device token --org <organizationId> --device <identifier> [--json]',
  options: { org: { type: 'string' }, device: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, io) {
    const org = requiredOrgId(args, this);
    const identifier = requiredString(args, 'device', this);
    const issued = await io
      .withContext((ctx) => issueDeviceTokenByIdentifier(ctx, org, identifier))
      .catch((error: unknown) => {
        if (isDomainError(error, 'organization_not_found')) throw new CliError(`organization not found: ${org}`);
        if (isDomainError(error, 'device_not_found')) throw new CliError(`device not found in the organization: ${identifier}`);
        throw error;
      });
    if (args.values.json) {
      io.out(JSON.stringify({ deviceId: issued.deviceId, token: issued.token }));
      return;
    }
    io.out(`Token issued for device ${identifier} (${issued.deviceId}); any previous token of it no longer works.`);
    io.out(`Device token (shown once, store it now): ${issued.token}`);
  },
};
