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
    # A tenant that blocks device codes gets a message naming --browser --no-launch.
    azrepos login --org "$org" --device-code
  else
    say "$org: no token and no terminal; sign in later with: azrepos login --org $org (or --browser --no-launch where the tenant blocks device codes)"
    return 1
  fi
}

set --     # every organization's --org: azrepos setup writes git's include file once for all
keyed=""   # the signed-in organizations' --org, for their SSH keys
for org in $(echo "$ORGANIZATIONS" | tr ',' ' '); do
  set -- "$@" --org "$org"
  if sign_in "$org"; then
    keyed="$keyed --org $org"
  elif [ "$SSHKEY" = true ] || [ "$AUTHMODE" = ssh ]; then
    say "$org: SSH key not registered (no credential); run: azrepos ssh-key add --org $org"
  fi
done
if [ $# -gt 0 ]; then
  case "$AUTHMODE" in
    azrepos) forwarded_helper || azrepos setup "$@" || status=1 ;;
    gcm) azrepos setup --helper gcm "$@" || status=1 ;;
  esac
fi
if [ -n "$keyed" ] && { [ "$SSHKEY" = true ] || [ "$AUTHMODE" = ssh ]; }; then
  # shellcheck disable=SC2086 # word splitting of the --org list is meant; URLs hold no spaces
  azrepos setup --no-git-config --ssh-key $keyed || status=1
fi
exit $status
