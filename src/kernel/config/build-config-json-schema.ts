import { z } from 'zod';
import { agentConfigSchema, pluginSettingsSchema } from './agent-config-schema';

type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema (draft 2020-12) of the whole agent config as users write it, with each plugin's own
 * slice schema at `properties.plugins.properties.<id>.properties.options`. A plugin schema that JSON
 * Schema cannot express exactly (transforms, custom checks) is rendered as loosely as needed.
 */
export function buildConfigJsonSchema(plugins: ReadonlyArray<{ id: string; schema?: z.ZodType }>): JsonSchema {
  const root = z.toJSONSchema(agentConfigSchema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  const properties = root.properties as Record<string, JsonSchema>;
  const settings = toSchema(pluginSettingsSchema);
  const byId: Record<string, JsonSchema> = {};
  for (const plugin of [...plugins].sort((a, b) => a.id.localeCompare(b.id))) {
    const slice = structuredClone(settings);
    const sliceProps = slice.properties as Record<string, JsonSchema>;
    sliceProps.options = plugin.schema ? toSchema(plugin.schema) : { description: 'This plugin takes no options.' };
    byId[plugin.id] = slice;
  }
  properties.plugins = { ...properties.plugins, properties: byId };
  return root;
}

function toSchema(schema: z.ZodType): JsonSchema {
  try {
    const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
    delete json.$schema;
    return json;
  } catch (error) {
    return { description: `schema not expressible as JSON Schema: ${(error as Error).message}` };
  }
}
