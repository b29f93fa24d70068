#!/bin/sh
# git's generic credential-helper tests (t/lib-credential.sh) against git-credential-azrepos,
# run from a git source tree with the hosts in lib-credential.sh rewritten to Azure DevOps.
test_description='git-credential-azrepos against lib-credential.sh'

. ./test-lib.sh
. "$TEST_DIRECTORY"/lib-credential.sh

helper_test_clean azrepos
helper_test azrepos
helper_test_password_expiry_utc azrepos
helper_test_oauth_refresh_token azrepos
helper_test_authtype azrepos

test_done
