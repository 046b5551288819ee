"""The page's own style and scripts (Gradio takes them at launch and per component)."""

CSS = """
.citeqa-citation { margin-bottom: 0.8em; cursor: pointer; }
.citeqa-citation:hover, .citeqa-citation:focus { background: rgba(120, 120, 255, 0.08); }
.citeqa-where { color: #666; font-size: 0.85em; }
.citeqa-citation blockquote { margin: 0.3em 0 0 0; padding-left: 0.6em;
  border-left: 3px solid #999; }
.citeqa-marker { font-weight: 600; cursor: pointer; color: var(--link-text-color, #2563eb);
  text-decoration: underline; text-underline-offset: 2px; }
.citeqa-marker:hover, .citeqa-marker:focus { color: var(--link-text-color-hover, #1d4ed8); }
.citeqa-unsupported { background: #fde8e8; color: #8a1c1c; border-left: 3px solid #c81e1e;
  padding: 0 0.3em; }
.citeqa-document-text { white-space: pre-wrap; max-height: 420px; overflow: auto;
  font-family: inherit; font-size: 0.9em; }
#citeqa-highlight { background: #ffe066; color: #000; padding: 0.1em 0; }
.citeqa-retrieval { max-width: 100%; overflow-x: auto; }
.citeqa-retrieval table, .citeqa-documents { font-size: 0.85em; border-collapse: collapse; }
.citeqa-documents-wrap { max-width: 100%; overflow-x: auto; }
.citeqa-documents { width: 100%; }
.citeqa-documents th { cursor: pointer; user-select: none; white-space: nowrap; }
.citeqa-documents th[data-order='asc']::after { content: ' ▲'; }
.citeqa-documents th[data-order='desc']::after { content: ' ▼'; }
.citeqa-doc-title { font-weight: 600; }
.citeqa-doc-file, .citeqa-doc-next { color: #666; font-size: 0.85em; }
.citeqa-retrieval td, .citeqa-retrieval th, .citeqa-documents td, .citeqa-documents th {
  border-bottom: 1px solid #ddd; padding: 0.2em 0.4em; text-align: left; }
.citeqa-status-failed { color: #8a1c1c; }
"""

# A click on a [n] marker (inside the chat bubbles) or on a cited passage puts its key in a
# hidden textbox and presses a hidden button, so the server (not the page) looks the citation
# up in the session's own answers. Gradio has no event for links inside a Chatbot message.
JS = """
() => {
  const open = (key) => {
    const box = document.querySelector('#citeqa-cite-key textarea, #citeqa-cite-key input');
    const button = document.querySelector('#citeqa-cite-open');
    if (!box || !button || !key) return;
    box.value = key;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    setTimeout(() => button.click(), 50);
  };
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href*="#citeqa-cite-"]');
    if (link) {
      event.preventDefault();
      event.stopPropagation();
      open(link.getAttribute('href').split('#citeqa-cite-')[1]);
      return;
    }
    const item = event.target.closest('[data-cite]');
    if (item) open(item.dataset.cite);
  }, true);
  // A click on a Documents table header sorts its rows by that column (again: reversed).
  document.addEventListener('click', (event) => {
    const header = event.target.closest('table.citeqa-documents th');
    if (!header) return;
    const table = header.closest('table');
    const column = Array.from(header.parentNode.children).indexOf(header);
    const order = header.dataset.order === 'asc' ? 'desc' : 'asc';
    table.querySelectorAll('th').forEach((th) => delete th.dataset.order);
    header.dataset.order = order;
    const key = (row) => {
      const cell = row.children[column];
      return cell ? (cell.dataset.sort || cell.dataset.status || cell.textContent).trim() : '';
    };
    const body = table.querySelector('tbody');
    const rows = Array.from(body.querySelectorAll('tr'));
    rows.sort((a, b) => key(a).localeCompare(key(b)) * (order === 'asc' ? 1 : -1));
    rows.forEach((row) => body.appendChild(row));
  });
  document.addEventListener('keydown', (event) => {
    const item = event.target.closest && event.target.closest('[data-cite]');
    if (item && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      open(item.dataset.cite);
    }
  });
}
"""

# Runs in the viewer after each re-render: bring the highlighted span into view.
SCROLL_TO_HIGHLIGHT = """
watch('value', () => {
  const mark = element.querySelector('#citeqa-highlight');
  if (!mark) return;
  mark.scrollIntoView({ block: 'center' });
  // On a narrow screen the viewer sits below the chat: bring it up to the reader.
  if (window.innerWidth < 800) element.scrollIntoView({ block: 'start' });
});
"""

# Before Remove reaches the server: the browser asks; cancelling sends no document.
CONFIRM_REMOVE = """
(source, collection) => {
  if (!source) return [null, collection];
  const name = String(source).split('/').pop();
  return [window.confirm(`Remove ${name} from the store?`) ? source : null, collection];
}
"""

# Before a saved chat is deleted: the browser asks; cancelling sends no chat.
CONFIRM_DELETE_CHAT = """
(chat, current) => {
  if (!chat) return [null, current];
  return [window.confirm('Delete this saved chat?') ? chat : null, current];
}
"""
