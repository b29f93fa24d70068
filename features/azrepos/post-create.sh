#!/bin/sh
# devcontainer postCreate hook: runs as the container user after each (re)build.
# Credential sources, in order: a forwarded host helper (VS Code / devcontainer CLI),
# AZURE_DEVOPS_EXT_PAT or SYSTEM_ACCESSTOKEN, then a device-code sign-in on the terminal.
# Safe to re-run: every step is idempotent.
set -u
. /usr/local/share/azrepos/feature.env
PATH="/usr/local/bin:$PATH"
export AZREPOS_SECRET_STORE="${AZREPOS_SECRET_STORE:-$( [ "$CREDENTIALSTORE" = auto ] && echo file || echo "$CREDENTIALSTORE")}"
status=0

say() { echo "azrepos postCreate: $1"; }

forwarded_helper() {
  git config --global --get-all credential.helper 2>/dev/null \
    | grep -qiE 'vscode|remote-containers|devcontainer'
}

sign_in() {
  org="$1"
  if forwarded_helper; then
    say "$org: using the credential helper forwarded from the host"
    return 0
  fi
  for var in AZURE_DEVOPS_EXT_PAT SYSTEM_ACCESSTOKEN; do
    if [ -n "$(printenv "$var" 2>/dev/null)" ]; then
      # piped, never on a command line
      printenv "$var" | azrepos login --org "$org" --pat-stdin && return 0
      say "$org: the token in $var was refused"
      return 1
    fi
  done
  if [ -t 0 ] || [ -t 1 ]; then
    azrepos login --org "$org" --device-code
  else
    say "$org: no token and no terminal; sign in later with: azrepos login --org $org"
    return 1
  fi
}

set --  # every organization's --org, for one configure-git call: one call per org would
        # rewrite the include file each time and leave only the last organization configured
for org in $(echo "$ORGANIZATIONS" | tr ',' ' '); do
  signed_in=0
  sign_in "$org" && signed_in=1
  set -- "$@" --org "$org"
  if [ "$SSHKEY" = true ] || [ "$AUTHMODE" = ssh ]; then
    if [ "$signed_in" = 1 ]; then
      azrepos ssh-key add --org "$org" || status=1
    else
      say "$org: SSH key not registered (no credential); run: azrepos ssh-key add --org $org"
    fi
  fi
done
if [ $# -gt 0 ]; then
  case "$AUTHMODE" in
    azrepos) forwarded_helper || azrepos configure-git "$@" || status=1 ;;
    gcm) azrepos configure-git --helper gcm "$@" || status=1 ;;
  esac
fi
exit $status
