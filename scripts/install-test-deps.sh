#!/usr/bin/env bash
# Install the system programs the test suite runs for real, only when missing.
# Debian packages; needs root (or sudo) the first time.
set -euo pipefail

need=()
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v dovecot >/dev/null 2>&1 || need+=(dovecot-imapd)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
command -v openssl >/dev/null 2>&1 || need+=(openssl)  # self-signed certs for the SMTP TLS tests
# promtool (check metrics/rules, test rules) and a real server for the dashboard queries
{ command -v promtool && command -v prometheus; } >/dev/null 2>&1 || need+=(prometheus)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
echo "installing test dependencies: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
