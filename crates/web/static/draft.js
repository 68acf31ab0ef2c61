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

    var warnTimer = null;
    var endTimer = null;
    var over = false;

    // Shows `text` under the form, with a button or link after it when given.
    function say(text, extra) {
      if (!status) {
        return;
      }
      status.textContent = text;
      if (extra) {
        status.appendChild(document.createTextNode(' '));
        status.appendChild(extra);
      }
    }

    function saved(at) {
      if (status) {
        say(status.getAttribute('data-saved') + ' ' + at);
      }
    }

    // The session has ended: what was typed is in the draft; signing in again leads
    // back to it.
    function ended() {
      over = true;
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      if (!status) {
        return;
      }
      var link = document.createElement('a');
      link.href = '/login' + (slot.value ? '?draft=' + encodeURIComponent(slot.value) : '');
      link.textContent = status.getAttribute('data-signin');
      say(status.getAttribute('data-ended'), link);
    }

    // Before the session would end for want of activity (two minutes before, or half
    // way for a short timeout), offers to stay signed in (saving the draft again keeps
    // the session alive). `secs` is how long the session surely lives after the save.
    function watch(secs) {
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      if (!secs || !status) {
        return;
      }
      warnTimer = window.setTimeout(function () {
        var stay = document.createElement('button');
        stay.type = 'button';
        stay.textContent = status.getAttribute('data-stay');
        stay.addEventListener('click', function () {
          dirty = true;
          save();
        });
        say(status.getAttribute('data-warn'), stay);
      }, (secs > 240 ? secs - 120 : secs / 2) * 1000);
      endTimer = window.setTimeout(ended, secs * 1000);
    }

    function save() {
      timer = null;
      if (!dirty || leaving || over) {
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
        if (res.status === 401 || (res.redirected && res.url.indexOf('/login') !== -1)) {
          ended();
          return null;
        }
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
          watch(answer.session_secs || answer.idle_secs);
        }
      }).catch(function () {
        dirty = true;
      }).then(function () {
        busy = false;
        if (held) {
          held = false;
          if (form.requestSubmit) {
            form.requestSubmit();
          } else {
            leaving = true;
            form.submit();
          }
        }
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
    // A form submitted while its first save is still on its way waits for that save,
    // so that the submit names the draft it finishes (and leaves none behind).
    var held = false;
    form.addEventListener('submit', function (event) {
      if (busy && !slot.value && !over) {
        event.preventDefault();
        held = true;
        return;
      }
      leaving = true;
    });
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') {
        save();
      }
    });
    window.addEventListener('pagehide', function () {
      if (dirty && !leaving && !over && navigator.sendBeacon) {
        dirty = false;
        navigator.sendBeacon('/drafts/save', body());
      }
    });
  }
})();
