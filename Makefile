# IJM Philippines site. `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEV_ENV := DEBUG=$${DEBUG:-1}

.PHONY: install messages run serve cluster bench-edge bench-cluster bench bench-spike lighthouse browser test lint format migrate seed clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

# Translations: `make messages` gathers every marked string into locale/fil (then translate the
# new entries); `make install` compiles them (GNU gettext's msgfmt, as Django's compilemessages).
MO_FILES := locale/fil/LC_MESSAGES/django.mo
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check --output-file=$@ $<

MESSAGES_IGNORE := --ignore='.venv/*' --ignore='node_modules/*' --ignore='tests/*' \
	--ignore='scripts/*' --ignore='staticfiles/*' --ignore='media/*' --ignore='private-media/*'
messages: install
	DJANGO_SETTINGS_MODULE=ijm_site.settings_test $(PY) manage.py makemessages --locale fil \
		--no-obsolete --add-location file $(MESSAGES_IGNORE)

install: $(VENV)/.installed $(MO_FILES)

migrate: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput

seed: migrate
	$(DEV_ENV) $(PY) manage.py seed_content --if-empty

# The development server and the background worker (emails to the console), stopped together.
run: seed
	$(DEV_ENV) $(PY) manage.py ensure_local_admin --url http://127.0.0.1:$(PORT)/admin/
	$(DEV_ENV) exec $(PY) -m scripts.processes --restart worker \
		web="$(PY) manage.py runserver 127.0.0.1:$(PORT)" worker="$(PY) manage.py run_worker"

# Production server (DESIGN.md): DEBUG off, hashed and compressed static files, gunicorn, and the
# background worker beside it; SIGTERM stops both (scripts/processes.py).
PROD_ENV := DEBUG=0
serve: install
	@test -n "$$SECRET_KEY" || { echo 'make serve needs SECRET_KEY, e.g. SECRET_KEY="$$(python3 -c "import secrets; print(secrets.token_urlsafe(50))")"' >&2; exit 2; }
	@test -n "$$ALLOWED_HOSTS" || { echo 'make serve needs ALLOWED_HOSTS, e.g. ALLOWED_HOSTS=www.example.org' >&2; exit 2; }
	$(PROD_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(PROD_ENV) $(PY) manage.py migrate --noinput
	$(PROD_ENV) $(PY) manage.py seed_content --if-empty
	$(PROD_ENV) $(PY) manage.py clear_page_cache
	$(PROD_ENV) exec $(PY) -m scripts.processes --restart worker \
		web="$(VENV)/bin/gunicorn --config ijm_site/gunicorn_conf.py ijm_site.wsgi" \
		worker="$(PY) manage.py run_worker"

# Several app servers as one site on this machine (README, "Production topology"): PostgreSQL
# (the machine's), Redis, a local S3 server, two gunicorn app servers, the worker and Varnish on
# $${PORT:-8080}; set up once, stopped together on Ctrl-C/SIGTERM (scripts/cluster.py).
cluster: install
	exec $(PY) -m scripts.cluster --port $${PORT:-8080}

# The public site through Varnish: crawl hit ratio, home through Varnish against the app's own
# page cache, and a publish seen at once (needs wrk and varnishd).
bench-edge: install
	$(PY) -m scripts.bench_edge

# One app server killed under uncacheable load through Varnish, and a publish seen everywhere.
bench-cluster: install
	$(PY) -m scripts.bench_cluster

# Throughput and page weight against `make serve` on a spare port (needs wrk and Chromium).
bench: install
	$(PY) -m scripts.bench

# Campaign day: the home page while donors give against a slow, rate-limited fake Stripe, and
# receipts through an SMTP outage (needs wrk). Options: make bench-spike SPIKE_ARGS="--donors 80".
bench-spike: install
	$(PY) -m scripts.bench_spike $(SPIKE_ARGS)

# Lighthouse on home, a story and the donate page (or LIGHTHOUSE_ARGS="/ /privacy/ --noindex PATH")
# under slow 4G and regular 3G (needs Chromium and npm).
lighthouse: install | node_modules/lighthouse/package.json
	$(PY) -m scripts.lighthouse $(LIGHTHOUSE_ARGS)

# Installed when missing (order-only), so `make test` never removes a local Lighthouse; CI runs
# `npm ci --omit=dev` itself.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --omit=dev --no-audit --no-fund
	touch $@

node_modules/lighthouse/package.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Debian's Chromium for the browser tests (tests/e2e), never a downloaded browser. Installed only
# when missing (order-only), as .ci/run does; without root or password-less sudo, or off Debian,
# it stops and says what to run instead.
CHROMIUM := /usr/bin/chromium
browser: | $(CHROMIUM)

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then sudo=; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo=sudo; \
	else echo "The browser tests need Debian's Chromium at $@, and installing it needs root." \
		"Run 'sudo apt-get install -y chromium' (or 'make browser' as root), then 'make test' again." >&2; \
		exit 1; fi; \
	command -v apt-get >/dev/null 2>&1 || { echo "The browser tests need Chromium at $@;" \
		"this machine has no apt-get, so install it with the system's own package manager." >&2; \
		exit 1; }; \
	echo "Installing Debian's Chromium for the browser tests (apt-get install chromium)"; \
	$$sudo apt-get update -q && $$sudo apt-get install -y -q chromium
	@test -x $@ || { echo "apt-get finished but $@ is still missing." >&2; exit 1; }

test: install | $(CHROMIUM) node_modules/axe-core/axe.min.js
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .test-media staticfiles
