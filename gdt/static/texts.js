// "Tekst invullen" beside a text field (templates/texts/_picker.html): put the chosen standard text in the field
// instead of submitting the form, and move the focus there to edit it. Without this script the button submits
// and the page comes back with the text filled in.
// The picker may be on a page more than once (with this script each time): listen once.
if (!window.gdtTextPicker) {
  window.gdtTextPicker = true;
  document.addEventListener("click", fill);
}

function fill(event) {
  var button = event.target.closest("button[data-fills]");
  if (!button) {
    return;
  }
  var field = document.getElementById(button.dataset.fills);
  var select = document.getElementById(button.dataset.from);
  var option = select && select.options[select.selectedIndex];
  if (!field || !option) {
    return;
  }
  event.preventDefault();
  field.value = option.dataset.body;
  field.focus();
}
