/**
 * The few Prometheus metrics the server exposes on /metrics, in the text exposition format.
 * Counters are incremented where things happen; gauges are read when scraped.
 */

type Labels = Readonly<Record<string, string>>;
type Sample = readonly [Labels, number];

const COUNTERS = {
  ovs_http_requests_total: 'HTTP requests answered, by method, route and status.',
  ovs_chat_completions_total: 'Chat completions, by model and outcome (ok or the error code).',
  ovs_frames_ingested_total: 'Frames added to ring buffers, by origin (pull or push).',
  ovs_response_cache_total: 'Chat completions looked up in the response cache, by model and outcome (hit or miss).',
} as const;
export type CounterName = keyof typeof COUNTERS;

export class Metrics {
  private readonly counters = new Map<CounterName, Map<string, { labels: Labels; value: number }>>();
  private readonly gauges: Array<{ name: string; help: string; read: () => number | readonly Sample[] }> = [];

  inc(name: CounterName, labels: Labels = {}, by = 1): void {
    let series = this.counters.get(name);
    if (!series) this.counters.set(name, (series = new Map()));
    const key = JSON.stringify(labels);
    const entry = series.get(key);
    if (entry) entry.value += by;
    else series.set(key, { labels, value: by });
  }

  /** A gauge read at scrape time: one value, or one value per label set. */
  gauge(name: string, help: string, read: () => number | readonly Sample[]): void {
    this.gauges.push({ name, help, read });
  }

  render(): string {
    const out: string[] = [];
    for (const [name, help] of Object.entries(COUNTERS) as Array<[CounterName, string]>) {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const { labels, value } of this.counters.get(name)?.values() ?? []) out.push(`${name}${formatLabels(labels)} ${value}`);
    }
    for (const { name, help, read } of this.gauges) {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
      const value = read();
      if (typeof value === 'number') out.push(`${name} ${value}`);
      else for (const [labels, v] of value) out.push(`${name}${formatLabels(labels)} ${v}`);
    }
    return `${out.join('\n')}\n`;
  }
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',')}}`;
}
