/* filter.js — the people index's filter box (progressive enhancement: the box is hidden
   until this script shows it). Built in; written to people/filter.js. */
(function () {
  var box = document.querySelector('.people-filter');
  var input = document.getElementById('people-filter');
  var out = document.getElementById('people-filter-count');
  if (!box || !input) return;
  box.hidden = false;
  var norm = function (s) { return s.toLowerCase().replace(/['\u2019\u02bc`]/g, ''); };
  var items = Array.prototype.map.call(document.querySelectorAll('.letter li'), function (li) {
    return { li: li, key: norm(li.querySelector('a').textContent) };
  });
  input.addEventListener('input', function () {
    var q = norm(input.value.trim()), shown = 0;
    items.forEach(function (it) {
      var hit = !q || it.key.indexOf(q) >= 0;
      it.li.hidden = !hit;
      if (hit) shown++;
    });
    document.querySelectorAll('.letter').forEach(function (s) {
      s.hidden = !s.querySelector('li:not([hidden])');
    });
    out.textContent = q ? String(shown) : '';
  });
})();
