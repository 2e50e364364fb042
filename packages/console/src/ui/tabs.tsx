/** Tabs with the ARIA tab pattern: arrow keys move between tabs, only the chosen panel is rendered. */
import { useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';

export interface Tab {
  id: string;
  label: ComponentChildren;
  render: () => ComponentChildren;
}

export function Tabs({ label, tabs }: { label: string; tabs: Tab[] }) {
  const [current, setCurrent] = useState(tabs[0]!.id);
  const list = useRef<HTMLDivElement>(null);
  const onKey = (e: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.id === current);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : undefined;
    if (next === undefined) return;
    e.preventDefault();
    const tab = tabs[(next + tabs.length) % tabs.length]!;
    setCurrent(tab.id);
    list.current?.querySelector<HTMLButtonElement>(`#tab-${tab.id}`)?.focus();
  };
  const active = tabs.find((t) => t.id === current) ?? tabs[0]!;
  return (
    <div class="tabs">
      <div role="tablist" aria-label={label} ref={list} onKeyDown={onKey}>
        {tabs.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            role="tab"
            type="button"
            aria-selected={t.id === active.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === active.id ? 0 : -1}
            onClick={() => setCurrent(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${active.id}`} aria-labelledby={`tab-${active.id}`} class="tab-panel">
        {active.render()}
      </div>
    </div>
  );
}
