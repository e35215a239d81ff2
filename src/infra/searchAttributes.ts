// The rollout's search attributes on the Temporal server: registered by the worker at start where the
// server allows it (idempotent), otherwise one line naming the command an administrator runs.
import type { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { ROLLOUT_SEARCH_ATTRIBUTES } from '../shared/searchAttributes';

// Every rollout attribute is a Keyword.
const KEYWORD = encodeSearchAttributeIndexedValueType('KEYWORD') as NonNullable<
  ReturnType<typeof encodeSearchAttributeIndexedValueType>
>;

export class SearchAttributesMissing extends Error {}

type OperatorService = Connection['operatorService'];

/** `Name=Keyword` pairs, as `temporal server start-dev --search-attribute` takes them. */
export function devServerSearchAttributeArgs(): string[] {
  return ROLLOUT_SEARCH_ATTRIBUTES.flatMap((key) => [
    '--search-attribute',
    `${key.name}=${key.type.charAt(0)}${key.type.slice(1).toLowerCase()}`,
  ]);
}

/** The command an administrator runs when the worker may not register them itself. */
export function createCommand(namespace: string): string {
  // All three are Keywords: one --type serves every --name.
  return (
    `temporal operator search-attribute create --namespace ${namespace} ` +
    `${ROLLOUT_SEARCH_ATTRIBUTES.map((k) => `--name ${k.name}`).join(' ')} --type Keyword`
  );
}

/** Registers the missing ones; returns their names (none when all were there). */
export async function ensureSearchAttributes(operatorService: OperatorService, namespace: string): Promise<string[]> {
  const fail = (why: string) => new SearchAttributesMissing(`${why}: run ${createCommand(namespace)}`);
  let existing: Record<string, unknown>;
  try {
    existing = (await operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch (err) {
    throw fail(
      `cannot list the search attributes of namespace ${namespace} (${(err as Error).message.split('\n')[0]})`,
    );
  }
  const wrong = ROLLOUT_SEARCH_ATTRIBUTES.filter((k) => k.name in existing && existing[k.name] !== KEYWORD);
  if (wrong.length > 0) {
    throw new SearchAttributesMissing(
      `search attribute ${wrong.map((k) => k.name).join(', ')} exists in namespace ${namespace} with another type ` +
        `than Keyword: remove it (temporal operator search-attribute remove) and run ${createCommand(namespace)}`,
    );
  }
  const missing = ROLLOUT_SEARCH_ATTRIBUTES.filter((k) => !(k.name in existing));
  if (missing.length === 0) return [];
  try {
    await operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, KEYWORD])),
    });
  } catch (err) {
    // Another worker may have added them meanwhile: that is as good.
    const now = await operatorService.listSearchAttributes({ namespace }).catch(() => undefined);
    if (!missing.every((k) => k.name in (now?.customAttributes ?? {}))) {
      throw fail(
        `search attributes ${missing.map((k) => k.name).join(', ')} are missing in namespace ${namespace} and the ` +
          `server refused to add them (${(err as Error).message.split('\n')[0]})`,
      );
    }
  }
  return missing.map((k) => k.name);
}
