/** A labelled select of every instrument, grouped by venue. */
import type { RpcInstrument } from '@cadenza/client';

export function InstrumentPicker({ instruments, value, onChange }: { instruments: RpcInstrument[]; value: string; onChange: (id: string) => void }) {
  const venues = new Map<string, RpcInstrument[]>();
  for (const i of instruments) venues.set(i.venue ?? '', [...(venues.get(i.venue ?? '') ?? []), i]);
  const known = instruments.some((i) => i.instrumentId === value);
  return (
    <label class="picker">
      <span class="sr-only">Instrument</span>
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)} aria-label="Instrument">
        {!known && <option value={value}>{value.replace(':', ' · ')}</option>}
        {[...venues].map(([venue, list]) => (
          <optgroup key={venue} label={venue}>
            {list.map((i) => (
              <option key={i.instrumentId} value={i.instrumentId}>
                {i.symbol} · {venue}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
    </label>
  );
}
