# Shared by the example's checks (sourced): where the product's files are in
# the checkout the deploy backend runs us in, and the version they hold.
#
# The exec backend runs a check in a scratch checkout of the repository at
# the promoted commit, with PROMOTE_RELEASE, PROMOTE_PRODUCT, PROMOTE_ENV,
# PROMOTE_VERSION and PROMOTE_COMMIT set; the environment is also our $1.

# A sync's release writes several products at once (PROMOTE_PRODUCT is empty,
# PROMOTE_PRODUCTS is "NAME=VERSION NAME=VERSION ..."): the check runs once
# for each, and fails when any of them fails.
if [ -z "${PROMOTE_PRODUCT:-}" ] && [ -n "${PROMOTE_PRODUCTS:-}" ]; then
	status=0
	for item in $PROMOTE_PRODUCTS; do
		PROMOTE_PRODUCT=${item%%=*} PROMOTE_VERSION=${item#*=} "$0" "$@" || status=$?
	done
	exit "$status"
fi

env=${1:-${PROMOTE_ENV:?}}
product=${PROMOTE_PRODUCT:?}
version=${PROMOTE_VERSION:?}

# The product's folder in the environment: from the repository's root, or
# from the environment's own folder, else the folder of that name anywhere
# under the environment's (products found by a path pattern, more/*).
app=envs/$env/apps/$product
[ -d "$app" ] || app=apps/$product
[ -d "$app" ] || app=$(find "envs/$env" -type d -name "$product" 2>/dev/null | head -n 1)
[ -n "$app" ] && [ -d "$app" ] || { echo "no folder for $product in $env (looked under envs/$env in $(pwd))"; exit 2; }

# held FILE KEY: the value of the first "KEY:" line of FILE, without quotes.
held() {
	sed -n "s/^ *$2: *\"\{0,1\}\([^\"#]*\)\"\{0,1\} *\(#.*\)\{0,1\}$/\1/p" "$1" | head -n 1 | sed 's/ *$//'
}
