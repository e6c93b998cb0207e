import { Option, type Command } from 'commander';
import { loadConfig } from '../kernel/config/load-config';
import type { Role } from '../plugin-api';
import { callLiveAgent } from './call-live-agent';
import type { CliContext } from './cli-context';
import { configOption } from './cli-options';

interface PairFlags {
  config?: string;
  dataDir?: string;
  role: Role;
  name?: string;
  url?: string;
  json?: boolean;
}

interface PairingAnswer {
  code: string;
  role: Role;
  expiresAt: string;
  links: Array<{ url: string; source: string; link: string }>;
  qr: { link: string; text: string };
}

/**
 * `tunnelforge pair [--role writer] [--name phone]`: ask the running agent for a one-time pairing
 * code and show it with a QR code of the link; the device opens the link (or types the code at the
 * agent's page) and receives its own API token.
 */
export function registerPairCommand(program: Command, ctx: CliContext): void {
  program
    .command('pair')
    .description('pair a phone or tablet: a one-time code and QR code that a device trades for its own API token')
    .addOption(configOption())
    .option('--data-dir <dir>', 'state directory (overrides config and TUNNELFORGE_DATA_DIR)')
    .addOption(new Option('--role <role>', 'what the device may do').choices(['admin', 'writer', 'viewer']).default('writer'))
    .option('--name <name>', 'suggested device name (shown in token ls)')
    .option('--url <url>', 'which agent URL the QR code holds (default: a tunnel or LAN address when there is one)')
    .option('--json', 'print the answer as JSON (code, links, QR as text and SVG)')
    .action(async (flags: PairFlags) => {
      const { io } = ctx;
      const { config } = await loadConfig({ configPath: flags.config, cwd: io.cwd, env: io.env, overrides: { dataDir: flags.dataDir }, overrideLabels: { dataDir: '--data-dir' } });
      const answer = await callLiveAgent(config, 'POST', '/api/pairing', { role: flags.role, ...(flags.name ? { name: flags.name } : {}), ...(flags.url ? { url: flags.url } : {}) });
      if (answer.status !== 201) {
        const error = (answer.body as { error?: { code?: string; message?: string } } | null)?.error;
        io.stderr.write(`tunnelforge: pairing failed: ${error?.code ?? answer.status} ${error?.message ?? ''}`.trimEnd() + '\n');
        ctx.exitCode = 1;
        return;
      }
      const pairing = answer.body as PairingAnswer;
      if (flags.json) {
        io.stdout.write(JSON.stringify(pairing, null, 2) + '\n');
        ctx.exitCode = 0;
        return;
      }
      const minutes = Math.max(1, Math.round((Date.parse(pairing.expiresAt) - Date.now()) / 60_000));
      io.stdout.write(pairing.qr.text);
      io.stdout.write(`\nScan the code, or open on the device:\n  ${pairing.qr.link}\n`);
      const others = pairing.links.filter((l) => l.link !== pairing.qr.link);
      if (others.length > 0) io.stdout.write(`Other addresses of this agent:\n${others.map((l) => `  ${l.link}  (${l.source})`).join('\n')}\n`);
      io.stdout.write(`\nPairing code: ${pairing.code}  (role ${pairing.role}; one use; expires in ${minutes} min)\n`);
      if (pairing.links.every((l) => l.source === 'local')) {
        io.stderr.write(
          'note: the agent is reachable from this machine only. For a phone, start a tunnel (e.g. tunnel-tailscale: POST /api/tunnels/tailscale/start, or autostart it) or listen on a LAN address, then pair again.\n',
        );
      }
      ctx.exitCode = 0;
    });
}
