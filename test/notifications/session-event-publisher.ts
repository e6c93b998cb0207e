import { definePlugin, type EventBus, type PluginDefinition } from 'tunnelforge/plugin';

/**
 * A tiny third-party-style plugin that hands the test the agent's real event bus, to publish the
 * session state events (bell, command-finished, idle, title) whose detection lands separately.
 */
export function sessionEventPublisher(): { plugin: PluginDefinition<any>; bus(): EventBus } {
  let events: EventBus | undefined;
  const plugin = definePlugin({
    id: 'test-session-events',
    apiVersion: 1,
    description: 'publishes session state events for the notification tests',
    activate(ctx) {
      events = ctx.events;
    },
  });
  return {
    plugin,
    bus() {
      if (events === undefined) throw new Error('test-session-events is not active');
      return events;
    },
  };
}
