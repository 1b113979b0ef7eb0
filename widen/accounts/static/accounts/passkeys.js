// Once a passkey is added, show the page again: it now says so, and offers it no more.
document.addEventListener("otp_webauthn.register_complete", function () {
  window.location.reload();
});
