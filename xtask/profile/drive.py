"""Seeds a small microblog over HTTP, or drives N requests of one page (for xtask/profile/profile.sh)."""
import http.cookiejar, os, re, sys, urllib.parse, urllib.request

BASE = sys.argv[1]
MODE = sys.argv[2]          # seed | drive
PAGE = sys.argv[3] if len(sys.argv) > 3 else "/index"
N = int(sys.argv[4]) if len(sys.argv) > 4 else 200
JAR_FILE = os.environ.get("PROFILE_COOKIES", "cookies.txt")

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None

def opener(jar):
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

def get(op, path):
    try:
        return op.open(BASE + path).read().decode()
    except urllib.error.HTTPError as e:
        return e.read().decode()

def submit(op, page, action, fields):
    html = get(op, page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode(dict(fields, csrf_token=token)).encode()
    try:
        op.open(BASE + action, data)
    except urllib.error.HTTPError as e:
        if e.code not in (302, 303):
            raise

PASSWORD = "profile password"
if MODE == "seed":
    users = [f"user{i}" for i in range(20)]
    for u in users:
        op = opener(http.cookiejar.CookieJar())
        submit(op, "/register", "/register", {"username": u, "email": f"{u}@example.com", "password": PASSWORD, "password2": PASSWORD})
    for u in users:
        jar = http.cookiejar.CookieJar()
        op = opener(jar)
        submit(op, "/login", "/login", {"username": u, "password": PASSWORD})
        for other in users[:10]:
            if other != u:
                submit(op, f"/user/{other}", f"/follow/{other}", {})
        for k in range(30):
            submit(op, "/index", "/index", {"post": f"post {k} by {u}"})
    jar = http.cookiejar.MozillaCookieJar(JAR_FILE)
    op = opener(jar)
    submit(op, "/login", "/login", {"username": "user0", "password": PASSWORD, "remember_me": "y"})
    jar.save(ignore_discard=True, ignore_expires=True)
    print("seeded; index has", get(op, "/index").count('class="post'), "posts")
else:
    jar = http.cookiejar.MozillaCookieJar(JAR_FILE)
    jar.load(ignore_discard=True, ignore_expires=True)
    op = opener(jar) if PAGE != "/login" else opener(http.cookiejar.CookieJar())
    for _ in range(N):
        get(op, PAGE)
    print("drove", N, PAGE)
