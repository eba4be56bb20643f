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
