/// <reference lib="dom" />
// The dashboard's only script: the copy button next to a newly created API key. Everything else works without
// JavaScript. It is served as `(${installCopyButtons})()`: the function's compiled text, so it stays TypeScript
// in the repository and needs no bundler. Keep it self-contained (no imports, no closures over module values).
export function installCopyButtons(): void {
  document.querySelectorAll<HTMLButtonElement>('button[data-copy-target]').forEach((button) => {
    button.hidden = false;
    button.addEventListener('click', () => {
      const target = document.getElementById(button.dataset.copyTarget ?? '') as HTMLInputElement | null;
      const status = document.getElementById(button.dataset.copyStatus ?? '');
      if (!target) return;
      const done = (text: string) => {
        if (status) status.textContent = text;
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(target.value).then(
          () => done('Copied to the clipboard.'),
          () => done('Could not copy: select the key and copy it yourself.'),
        );
      } else {
        target.select();
        done(document.execCommand('copy') ? 'Copied to the clipboard.' : 'Select the key and copy it yourself.');
      }
    });
  });
}

/**
 * Keeps what an agent types in a reply box (`textarea[data-draft-key]`) in localStorage, so that a session that
 * expired while they were typing, or a lost connection, does not lose the text: it is put back when the ticket
 * page is shown again (after signing in, `next` brings them back), and forgotten once the page confirms the reply
 * was added (`notice=reply-added`).
 */
export function installDraftKeeper(): void {
  document.querySelectorAll<HTMLTextAreaElement>('textarea[data-draft-key]').forEach((box) => {
    const key = `telemap-draft:${box.dataset.draftKey ?? ''}`;
    let storage: Storage | null = null;
    try {
      storage = window.localStorage;
    } catch {
      return;
    }
    const params = new URLSearchParams(window.location.search);
    if (params.get('notice') === 'reply-added' || params.get('draft') === 'sent') storage.removeItem(key);
    const saved = storage.getItem(key);
    if (saved && box.value === '') {
      box.value = saved;
      const status = document.getElementById(box.dataset.draftStatus ?? '');
      if (status) status.textContent = 'Your unsent draft was restored.';
    }
    box.addEventListener('input', () => {
      if (box.value.trim() === '') storage?.removeItem(key);
      else storage?.setItem(key, box.value);
    });
  });
}

/** Forms marked `data-confirm` ask before they submit (revoke, regenerate, disable); without script they submit. */
export function installConfirmations(): void {
  document.querySelectorAll<HTMLFormElement>('form[data-confirm]').forEach((form) => {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm ?? 'Are you sure?')) event.preventDefault();
    });
  });
}
