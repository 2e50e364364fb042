export function Logo() {
  return (
    <span class="logo" aria-label="Cadenza">
      <svg viewBox="0 0 32 32" width="22" height="22" aria-hidden="true">
        <rect width="32" height="32" rx="7" fill="#161b22" />
        <path d="M7 21h4v-6H7zm7 4h4V9h-4zm7-7h4v-9h-4z" fill="#2ebd85" />
      </svg>
      <span aria-hidden="true">Cadenza</span>
    </span>
  );
}
