export * from './events.ts';
export * from './roster.ts';
export * from './snapshot.ts';
export * from './socket.ts';
export * from './errors.ts';
export * from './alerts.ts';
export * from './control.ts';
