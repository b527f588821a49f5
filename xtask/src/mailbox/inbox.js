// The dev mailbox's list page: asks every second whether the inbox changed, and swaps in
// the new list when mail arrived or the inbox was emptied (no reload, no framework).
"use strict";
(() => {
  const list = () => document.getElementById("messages");
  if (!list()) {
    return;
  }
  const refresh = async () => {
    try {
      const answer = await fetch("/api/version", { cache: "no-store" });
      const { version } = await answer.json();
      if (String(version) !== list().dataset.version) {
        const page = await fetch("/", { cache: "no-store" });
        const fresh = new DOMParser()
          .parseFromString(await page.text(), "text/html")
          .getElementById("messages");
        if (fresh) {
          list().replaceWith(document.importNode(fresh, true));
        }
      }
    } catch (_) {
      // The mailbox is stopping or restarting: ask again next time.
    }
    setTimeout(refresh, 1000);
  };
  setTimeout(refresh, 1000);
})();
