/**
 * A byte cap shared by every stream's ring: when the frames of all streams together exceed it,
 * the oldest frames of the largest ring go first. The newest frame of each ring is never
 * evicted (so `frame_index=-1` keeps working); if the cap cannot be met without that, it is
 * exceeded by at most one frame per stream.
 */

/** What the budget needs from a ring; rings hand it a view of themselves when they join. */
export interface BudgetMember {
  bytes(): number;
  frameCount(): number;
  /** Wall-clock ms the oldest retained frame arrived; breaks ties between equally large rings. */
  oldestReceivedAtMs(): number;
  /** Drops the oldest frame; the ring reports the freed bytes through `released`. */
  evictOldest(): void;
}

export class FrameBudget {
  private readonly members = new Set<BudgetMember>();
  private used = 0;

  constructor(readonly maxBytes: number) {
    if (!(maxBytes > 0)) throw new RangeError(`FrameBudget: maxBytes must be > 0, got ${maxBytes}`);
  }

  get usedBytes(): number {
    return this.used;
  }

  join(member: BudgetMember): void {
    this.members.add(member);
  }

  /** Forgets a ring; it must have released its bytes first. */
  leave(member: BudgetMember): void {
    this.members.delete(member);
  }

  added(bytes: number): void {
    this.used += bytes;
  }

  released(bytes: number): void {
    this.used -= bytes;
  }

  /** Evicts until under the cap or until every ring is down to its newest frame. */
  enforce(): void {
    while (this.used > this.maxBytes) {
      const victim = this.largestEvictable();
      if (victim === undefined) return;
      victim.evictOldest();
    }
  }

  private largestEvictable(): BudgetMember | undefined {
    let best: BudgetMember | undefined;
    for (const member of this.members) {
      if (member.frameCount() < 2) continue;
      if (
        best === undefined ||
        member.bytes() > best.bytes() ||
        (member.bytes() === best.bytes() && member.oldestReceivedAtMs() < best.oldestReceivedAtMs())
      ) {
        best = member;
      }
    }
    return best;
  }
}
