// Keeps each case-work form of the page as a draft on the server while it is typed: a
// few seconds after the last change, when the tab is hidden and when the page is left,
// so that nothing typed is lost when a session ends or a tab is closed. A form names its
// draft in a hidden field `draft_id` (with the form's kind and case as data
// attributes); the first save fills it in, and submitting the form finishes the draft.
// Without scripts the forms work as before, without drafts.
(function () {
  'use strict';
  if (!window.fetch || !window.URLSearchParams || !window.FormData) {
    return;
  }
  var slots = document.querySelectorAll('input[name="draft_id"][data-draft-form]');
  for (var i = 0; i < slots.length; i++) {
    if (slots[i].form) {
      keep(slots[i]);
    }
  }

  function keep(slot) {
    var form = slot.form;
    var status = form.querySelector('.draft-status');
    var timer = null;
    var dirty = false;
    var busy = false;
    var leaving = false;

    function body() {
      var data = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (typeof value === 'string') {
          data.append(name, value);
        }
      });
      data.set('draft_form', slot.getAttribute('data-draft-form'));
      var kase = slot.getAttribute('data-draft-case');
      if (kase) {
        data.set('draft_case', kase);
      }
      return data;
    }

    function saved(at) {
      if (status) {
        status.textContent = status.getAttribute('data-saved') + ' ' + at;
      }
    }

    function save() {
      timer = null;
      if (!dirty || leaving) {
        return;
      }
      if (busy) {
        timer = window.setTimeout(save, 1000);
        return;
      }
      dirty = false;
      busy = true;
      window.fetch('/drafts/save', {
        method: 'POST',
        body: body(),
        credentials: 'same-origin',
        headers: { 'Accept': 'application/json' }
      }).then(function (res) {
        if (res.status === 404) {
          slot.value = '';
          dirty = true;
          return null;
        }
        return res.ok ? res.json() : null;
      }).then(function (answer) {
        if (answer && answer.id) {
          slot.value = answer.id;
          saved(answer.saved_at);
        }
      }).catch(function () {
        dirty = true;
      }).then(function () {
        busy = false;
      });
    }

    function changed() {
      dirty = true;
      if (!timer) {
        timer = window.setTimeout(save, 3000);
      }
    }

    form.addEventListener('input', changed);
    form.addEventListener('change', changed);
    form.addEventListener('submit', function () {
      leaving = true;
    });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') {
        save();
      }
    });
    window.addEventListener('pagehide', function () {
      if (dirty && !leaving && navigator.sendBeacon) {
        dirty = false;
        navigator.sendBeacon('/drafts/save', body());
      }
    });
  }
})();
