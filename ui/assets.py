"""The page's own style and scripts (Gradio takes them at launch and per component)."""

CSS = """
.citeqa-citation { margin-bottom: 0.8em; cursor: pointer; }
.citeqa-citation:hover, .citeqa-citation:focus { background: rgba(120, 120, 255, 0.08); }
.citeqa-where { color: #666; font-size: 0.85em; }
.citeqa-citation blockquote { margin: 0.3em 0 0 0; padding-left: 0.6em;
  border-left: 3px solid #999; }
.citeqa-marker { font-weight: 600; text-decoration: none; cursor: pointer; }
.citeqa-unsupported { background: #fde8e8; color: #8a1c1c; border-left: 3px solid #c81e1e;
  padding: 0 0.3em; }
.citeqa-document-text { white-space: pre-wrap; max-height: 420px; overflow: auto;
  font-family: inherit; font-size: 0.9em; }
#citeqa-highlight { background: #ffe066; color: #000; padding: 0.1em 0; }
.citeqa-retrieval table, .citeqa-documents { font-size: 0.85em; border-collapse: collapse; }
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
  if (mark) mark.scrollIntoView({ block: 'center' });
});
"""
