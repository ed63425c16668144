import type { Database } from './client.ts';
import { createPlan, createPlans, type CreatedPlan, type PlanRequest } from './plans.ts';

/** Creates the plans of submissions (`createPlan`), several of one workspace at once when they arrive together. */
export type PlanSaver = { save(request: PlanRequest): Promise<CreatedPlan> };

type Waiting = { request: PlanRequest; resolve: (saved: CreatedPlan) => void; reject: (error: unknown) => void };

/**
 * One numbering statement at a time per workspace: the submissions that arrive while it runs are
 * numbered and saved together by the next (`createPlans`), and each batch's save runs while the next
 * is numbered. Under load a workspace's plans then share statements, and a process's submissions
 * do not queue for the counter row in the database. A batch that cannot be numbered whole (a
 * repeat in it, or the hourly limit reached) is created one plan at a time, each with its own answer.
 */
export function makePlanSaver(db: Database): PlanSaver {
  const waitingByTeam = new Map<string, Waiting[]>();
  const draining = new Set<string>();

  const createOneByOne = async (batch: readonly Waiting[]) => {
    for (const { request, resolve, reject } of batch) await createPlan(db, request).then(resolve, reject);
  };

  /**
   * Numbers the batch as a whole and leaves its save running, which answers its submissions; true
   * once that is under way (or the numbering failed, and every submission was told), false when the
   * batch cannot be numbered whole and is to be created one plan at a time.
   */
  const numberTogether = async (batch: readonly Waiting[]): Promise<boolean> => {
    const [first, ...rest] = batch.map(({ request }) => request);
    if (!first || rest.length === 0 || new Set(batch.map(({ request }) => request.sourceKey)).size < batch.length) return false;
    let created: Awaited<ReturnType<typeof createPlans>>;
    try {
      created = await createPlans(db, [first, ...rest]);
    } catch (error) {
      for (const { reject } of batch) reject(error);
      return true;
    }
    if (!created) return false;
    void created.saved.then(
      (plans) => plans.forEach((plan, index) => batch[index]!.resolve(plan)),
      // A save refused as a whole (another process saved one of these plans first, say) is retried plan by plan.
      () => createOneByOne(batch),
    );
    return true;
  };

  const drain = async (teamId: string) => {
    for (let batch = waitingByTeam.get(teamId); batch; batch = waitingByTeam.get(teamId)) {
      waitingByTeam.delete(teamId);
      if (!(await numberTogether(batch))) await createOneByOne(batch);
    }
    draining.delete(teamId);
  };

  return {
    save(request) {
      return new Promise<CreatedPlan>((resolve, reject) => {
        const entry = { request, resolve, reject };
        const waiting = waitingByTeam.get(request.teamId);
        if (waiting) waiting.push(entry);
        else waitingByTeam.set(request.teamId, [entry]);
        if (draining.has(request.teamId)) return;
        draining.add(request.teamId);
        // Waiting for the next turn of the event loop lets the submissions already read join this batch.
        setImmediate(() => void drain(request.teamId));
      });
    },
  };
}
