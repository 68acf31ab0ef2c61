// Moves the code of an emailed link (after `#token=`, which never reaches the server or
// its logs) into the form's code field. Without scripts the field can be filled by hand.
(function () {
  var m = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  var field = document.getElementById('token');
  if (m && field && !field.value) {
    field.value = decodeURIComponent(m[1]);
  }
})();
