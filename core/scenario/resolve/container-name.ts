/**
 * Docker's rule for container names: a letter or digit, then at least one more letter,
 * digit, "_", "." or "-" (daemon/names: RestrictedNamePattern
 * `^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`; `docker run --name a` fails with "Invalid container
 * name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"). The scenario schema's name
 * grammar already holds the characters and twinnet's own limit of 63; what it lets
 * through and Docker does not is a name of one character.
 */
import type { Path } from '../diagnostics.js';
import type { ResolveContext } from './context.js';

/** Docker's container-name pattern (daemon/names/names.go). */
export const DOCKER_CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Reports a container name Docker refuses, at the container. */
export function checkContainerName(ctx: ResolveContext, name: string, path: Path): void {
  if (DOCKER_CONTAINER_NAME.test(name)) return;
  ctx.sink.error(
    path,
    `Docker refuses this container name ("Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"): expected at least two characters, a letter or digit and then letters, digits, "_", "." or "-"`,
    name,
  );
}
