import * as os from 'node:os';
import * as path from 'node:path';
import { AuditLog, CredentialRevoked, definePlugin, HttpRoutes, SessionManager, SessionRemoved } from '../../plugin-api';
import { SingleUseTickets } from '../shared/single-use-tickets';
import { addLinkRoutes } from './add-link-routes';
import { addReadRoutes } from './add-read-routes';
import { addSessionFileRoutes } from './add-session-file-routes';
import { addWriteRoutes } from './add-write-routes';
import { auditFileChanges } from './audit-file-changes';
import { filesConfigSchema } from './files-config';
import type { DownloadGrant, FilesContext } from './files-context';
import { Jail } from './jail';
import { SessionUploadDirs } from './session-upload-dirs';

/** Outstanding download links at most (memory bound); beyond, 429 until some are used or expire. */
const MAX_DOWNLOAD_LINKS = 1000;

/**
 * Files: browse, preview, download (with Range), upload (streamed, all or nothing), mkdir, rename,
 * delete, and drop files into a session (stored, their quoted paths typed into it), all confined to
 * the configured roots by a {@link Jail} and never touching the agent's data dir. Uses only the
 * public plugin API: `HttpRoutes` (streamed bodies and answers), `SessionManager`, the event bus.
 */
export default definePlugin({
  id: 'files',
  apiVersion: 1,
  description: 'Browse, upload and download files in jailed roots; drop files into sessions',
  requires: [HttpRoutes],
  optional: [SessionManager, AuditLog],
  config: filesConfigSchema,
  async activate(ctx) {
    const home = os.homedir();
    const roots = ctx.config.roots.map((root) => (root === '~' || root.startsWith('~/') ? path.join(home, root.slice(1)) : root));
    const denied = [ctx.agent.dataDir];
    const { jail, skipped } = await Jail.create({ roots, denied, home, allowHardlinkedReads: ctx.config.allowHardlinkedReads });
    for (const { root, reason } of skipped) ctx.log.warn('files root skipped', { root, reason });
    if (jail.roots.length === 0) throw new Error(`no usable root among ${roots.join(', ')} (plugins.files.options.roots)`);

    // The private upload directories are made on the first drop into a session, not for every agent.
    let uploads: Promise<{ dirs: SessionUploadDirs; jail: Jail }> | null = null;
    const sessionDirs = () =>
      (uploads ??= (async () => {
        const dirs = await SessionUploadDirs.create();
        return { dirs, jail: (await Jail.create({ roots: [dirs.base], denied, home, allowHardlinkedReads: false })).jail };
      })());
    ctx.onDispose(async () => {
      if (uploads !== null) await (await uploads).dirs.dispose();
    });
    const sessions = ctx.tryGet(SessionManager);
    const links = new SingleUseTickets<DownloadGrant>(ctx.config.downloadLinkTtlSeconds * 1000, MAX_DOWNLOAD_LINKS, () => ctx.clock.now(), 'download links');
    // A link asked for with a credential that has since been revoked (logout, a revoked token) is dead.
    ctx.onDispose(ctx.events.subscribe(CredentialRevoked, (event) => links.forget(event.data.credential)));
    const files: FilesContext = { jail, config: ctx.config, events: ctx.events, log: ctx.log, sessions, sessionDirs, links };

    const audit = ctx.tryGet(AuditLog);
    if (audit !== undefined) ctx.onDispose(auditFileChanges(ctx.events, audit));
    const http = ctx.get(HttpRoutes);
    for (const route of [...addReadRoutes(http, files), ...addLinkRoutes(http, files), ...addWriteRoutes(http, files)]) ctx.onDispose(route);
    if (sessions !== undefined) {
      for (const route of addSessionFileRoutes(http, files, sessions)) ctx.onDispose(route);
      // What was dropped into a session goes with it.
      ctx.onDispose(
        ctx.events.subscribe(SessionRemoved, (event) => {
          uploads
            ?.then(({ dirs }) => dirs.remove(event.data.id))
            .catch((error: unknown) => ctx.log.warn('session upload directory not removed', { session: event.data.id, error: (error as Error).message }));
        }),
      );
    }
    ctx.log.debug('files ready', { roots: jail.roots, deleteAllowed: ctx.config.allowDelete, readOnlyBrowsing: ctx.config.readOnlyBrowsing });
  },
});
