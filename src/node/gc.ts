/** A full garbage collection in Node, for the session store (see MockRuntime's collectGarbage). */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

export function collectGarbage(): void {
  if (!gc) {
    // Node hands out gc() only to code compiled after --expose-gc is set: a fresh context is.
    setFlagsFromString('--expose-gc');
    const exposed: unknown = runInNewContext('gc');
    if (typeof exposed !== 'function') throw new Error('Node did not expose gc() to a new context.');
    gc = () => exposed();
  }
  gc();
}
