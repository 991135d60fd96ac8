/** The oracle's verdicts, and the one check for exchanges that had no usable answer. */
import { exchangeCheck } from '../context.ts';

export const ORACLE_CHECK = 'answers_match_model';
export const TRANSPORT_CHECK = 'transport_sound';

export const answersMatchModel = exchangeCheck(
  ORACLE_CHECK,
  "Every answer is the one the run's model of the contract predicts: its status, and for a success the body as far as it is determined (get: the model's organization; search: the visible organizations matching the query, sorted and paged, and their count; create and update: every field sent as sent, the others as before or their documented default; delete: 204, then 404 everywhere). What the model cannot know is a constraint (a new id is unused; lastModifiedTs within the request's time). A refused write is followed by a read proving nothing changed, and at the end everything the token sees is read back.",
  (e, ctx) => ctx.oracle.findingsFor(e).map((p) => ctx.finding(p)),
);

export const transportSound = exchangeCheck(
  TRANSPORT_CHECK,
  'Every request gets a usable answer: no redirect on an API call, a body within the size limit, read in full and in time.',
  (e, ctx) =>
    e.transport
      ? [
          ctx.finding({
            operation: e.request.operationId,
            expected: 'a usable answer (no redirect; a whole body within the limits)',
            actual: `${e.transport.kind}: ${e.transport.detail}`,
            specLocation: ctx.spec.operationPointer(e.request.operationId),
            exchange: e,
          }),
        ]
      : [],
);
