/** The models this server answers for: builtin CPU models and configured upstreams, by id. */
import type { ModelInfo } from '@ovs/protocol';
import type { Model } from './model.js';

export class ModelRegistry {
  private readonly models = new Map<string, { model: Model; created: number }>();

  /** `createdAtS`: Unix seconds the models were registered (GET /v1/models `created`). */
  constructor(models: readonly Model[], createdAtS: number) {
    for (const model of models) {
      if (this.models.has(model.id)) throw new Error(`two models have the id "${model.id}": rename one of the upstreams`);
      this.models.set(model.id, { model, created: createdAtS });
    }
  }

  get(id: string): Model | undefined {
    return this.models.get(id)?.model;
  }

  ids(): string[] {
    return [...this.models.keys()];
  }

  list(): ModelInfo[] {
    return [...this.models.values()].map(({ model, created }) => ({
      id: model.id,
      object: 'model',
      created,
      owned_by: model.ownedBy,
      status: model.status(),
    }));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.models.values()].map(({ model }) => model.close()));
  }
}
