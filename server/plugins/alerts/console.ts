// The operator console's namespace (issue 10): `/console`, an operator token in the handshake's
// `auth.token`. Each console gets `state` (its operator's region and below) on connect and after
// every change of the alert state on this process (an evaluation, an action here, another
// process's change picked up by the reload). A bad token is refused at the handshake.
import fp from 'fastify-plugin';
import type { Namespace, Socket } from 'socket.io';
import { containsCode } from '../../../geo/codes.ts';
import { nameOf } from '../../../geo/registry.ts';
import { actorOf } from '../../audit/token.ts';
import type { Operator } from '../../config.ts';
import { CONSOLE_NAMESPACE, type ConsoleState, type ServerToConsole } from '../../contract/alerts.ts';

export default fp(
  async (fastify) => {
    // the server is typed for /screen's events; this namespace sends the console's
    const nsp = fastify.io.of(CONSOLE_NAMESPACE) as unknown as Namespace<Record<string, never>, ServerToConsole>;
    const { alerts, auth, audit } = fastify;

    nsp.use((socket, next) => {
      const token = (socket.handshake.auth as { token?: unknown }).token;
      const op = auth.operator(typeof token === 'string' ? token : undefined);
      if (!op) {
        audit.count(
          {
            kind: 'refusal',
            action: `join ${CONSOLE_NAMESPACE}`,
            actor: actorOf(typeof token === 'string' ? token : undefined, true),
            address: socket.handshake.address,
            result: 'unauthorized',
          },
          undefined,
          true,
        );
        const err = new Error('unauthorized: an operator token is needed (OPERATOR_TOKENS)') as Error & {
          data: unknown;
        };
        err.data = { reason: 'unauthorized', message: err.message };
        next(err);
        return;
      }
      (socket.data as { operator?: Operator }).operator = op;
      next();
    });

    const stateFor = (op: Operator): ConsoleState => ({
      operator: { name: op.name, region: op.region, regionName: nameOf(op.region) ?? op.region },
      version: alerts.version,
      evaluatedAt: alerts.evaluatedAt,
      alerts: alerts.list({ region: op.region }),
      silences: alerts.silences().filter((s) => containsCode(op.region, s.matchers.region)),
    });
    // local: a console's state is for the sockets of this process (not a broadcast through the adapter)
    const send = (socket: Socket<Record<string, never>, ServerToConsole>, cache?: Map<string, ConsoleState>): void => {
      const op = (socket.data as { operator: Operator }).operator;
      const key = `${op.name}|${op.region}`;
      let state = cache?.get(key);
      if (!state) {
        state = stateFor(op);
        cache?.set(key, state);
      }
      nsp.local.to(socket.id).emit('state', state);
    };

    nsp.on('connection', (socket) => {
      send(socket);
      audit.count({
        kind: 'socket',
        action: `join ${CONSOLE_NAMESPACE}`,
        actor: (socket.data as { operator: Operator }).operator.name,
        result: 'ok',
      });
    });

    // changes in one turn of the loop (an evaluation and its reload) are sent once
    let scheduled = false;
    const off = alerts.onChange(() => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        const cache = new Map<string, ConsoleState>();
        for (const socket of nsp.sockets.values()) send(socket, cache);
      });
    });
    fastify.addHook('onClose', async () => off());
  },
  { name: 'alerts-console', dependencies: ['alerts', 'socket', 'audit'] },
);
