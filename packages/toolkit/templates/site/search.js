// The catalog's only script: filters the event list as you type. Everything else works without it.
(() => {
  const input = document.getElementById("search");
  const items = Array.from(document.querySelectorAll("[data-search]"));
  const count = document.getElementById("shown");
  document.getElementById("filter").hidden = false;
  input.addEventListener("input", () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const item of items) {
      const match = words.every((w) => item.dataset.search.includes(w));
      item.hidden = !match;
      if (match) shown++;
    }
    for (const section of document.querySelectorAll("section[data-domain]")) {
      section.hidden = section.querySelectorAll("[data-search]:not([hidden])").length === 0;
    }
    count.textContent = String(shown);
  });
})();
