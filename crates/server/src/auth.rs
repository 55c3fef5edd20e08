//! Who is asking, and may they: sessions (cookie, idle logoff, CSRF token), API tokens, sign-in
//! throttling, and the permissions of each role.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rcm_store::{Actor, Role, User};
use sha2::{Digest, Sha256};

/// What a route needs. Every route of the application names exactly one (or is public).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Signed in at all: the dashboard, one's own API tokens, signing out.
    UseApp,
    /// Code search and code details (no PHI).
    SearchCodes,
    /// Read patients, coverages, encounters and claims.
    ViewPatients,
    /// Register patients and their coverages.
    EditPatients,
    /// Create encounters, code them, save claims, mark them ready.
    CodeClaims,
    /// Create batches and download 837 files.
    SubmitClaims,
    /// Search the audit log and verify its chain.
    ViewAudit,
    /// Users, roles and the organization's EDI settings.
    Administer,
    /// The work queue, unmatched payments, a claim's payments and the receivables reports.
    ViewReceivables,
    /// Import 835 remittances and 999/277CA acknowledgements; work the queue (assign, notes, resolve).
    PostPayments,
}

impl Permission {
    pub const ALL: &'static [Permission] = &[
        Permission::UseApp,
        Permission::SearchCodes,
        Permission::ViewPatients,
        Permission::EditPatients,
        Permission::CodeClaims,
        Permission::SubmitClaims,
        Permission::ViewAudit,
        Permission::Administer,
        Permission::ViewReceivables,
        Permission::PostPayments,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::UseApp => "use-app",
            Permission::SearchCodes => "search-codes",
            Permission::ViewPatients => "view-patients",
            Permission::EditPatients => "edit-patients",
            Permission::CodeClaims => "code-claims",
            Permission::SubmitClaims => "submit-claims",
            Permission::ViewAudit => "view-audit",
            Permission::Administer => "administer",
            Permission::ViewReceivables => "view-receivables",
            Permission::PostPayments => "post-payments",
        }
    }
}

/// The permission set of each role (minimum necessary: the administrator manages users and
/// settings but reads no PHI; the auditor reads everything and changes nothing).
pub fn role_permissions(role: Role) -> &'static [Permission] {
    use Permission::*;
    match role {
        Role::Admin => &[UseApp, SearchCodes, Administer],
        Role::Coder => &[UseApp, SearchCodes, ViewPatients, CodeClaims],
        Role::Biller => &[
            UseApp,
            SearchCodes,
            ViewPatients,
            EditPatients,
            CodeClaims,
            SubmitClaims,
            ViewReceivables,
            PostPayments,
        ],
        Role::Supervisor => &[
            UseApp,
            SearchCodes,
            ViewPatients,
            EditPatients,
            CodeClaims,
            SubmitClaims,
            ViewAudit,
            ViewReceivables,
            PostPayments,
        ],
        Role::Auditor => &[
            UseApp,
            SearchCodes,
            ViewPatients,
            ViewAudit,
            ViewReceivables,
        ],
    }
}

/// How the request was authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A browser session; state-changing requests must carry this CSRF token.
    Session { csrf: String },
    /// An API token (no cookies, so no CSRF).
    Token,
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub via: Via,
    /// The client's address, for the audit log.
    pub ip: String,
}

impl Principal {
    pub fn can(&self, p: Permission) -> bool {
        self.user
            .roles
            .iter()
            .any(|r| role_permissions(*r).contains(&p))
    }
    pub fn actor(&self) -> Actor {
        Actor::user(self.user.username.clone(), self.ip.clone())
    }
    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Session { csrf } => csrf,
            Via::Token => "",
        }
    }
}

/// 32 random bytes in hex.
pub fn random_token() -> Option<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).ok()?;
    Some(hex::encode(b))
}

fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Constant-time comparison of two secrets.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (digest(a), digest(b));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

struct Session {
    user: User,
    csrf: String,
    last_seen: Instant,
}

/// Browser sessions, kept in the server's memory under the SHA-256 of their cookie: a restart
/// signs everyone out, and the cookie value never sits anywhere it could be read back.
pub struct Sessions {
    idle: Duration,
    map: Mutex<HashMap<[u8; 32], Session>>,
}

/// What looking a session up found.
pub enum SessionLookup {
    Active(User, String),
    /// It existed but was idle too long: signed out now.
    Expired,
    Unknown,
}

impl Sessions {
    pub fn new(idle: Duration) -> Sessions {
        Sessions {
            idle,
            map: Mutex::new(HashMap::new()),
        }
    }

    pub fn idle_timeout(&self) -> Duration {
        self.idle
    }

    /// Starts a session; returns the cookie value and the CSRF token.
    pub fn start(&self, user: User) -> Option<(String, String)> {
        let cookie = random_token()?;
        let csrf = random_token()?;
        let now = Instant::now();
        let mut map = self.map.lock().ok()?;
        // Sweep sessions idle too long while we hold the lock anyway.
        let idle = self.idle;
        map.retain(|_, s| now.duration_since(s.last_seen) < idle);
        map.insert(
            digest(&cookie),
            Session {
                user,
                csrf: csrf.clone(),
                last_seen: now,
            },
        );
        Some((cookie, csrf))
    }

    /// The session's user and CSRF token, touching it (inactivity restarts from now).
    pub fn lookup(&self, cookie: &str) -> SessionLookup {
        let Ok(mut map) = self.map.lock() else {
            return SessionLookup::Unknown;
        };
        let key = digest(cookie);
        let now = Instant::now();
        match map.get_mut(&key) {
            Some(s) if now.duration_since(s.last_seen) < self.idle => {
                s.last_seen = now;
                SessionLookup::Active(s.user.clone(), s.csrf.clone())
            }
            Some(_) => {
                map.remove(&key);
                SessionLookup::Expired
            }
            None => SessionLookup::Unknown,
        }
    }

    pub fn end(&self, cookie: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(&digest(cookie));
        }
    }
}

/// API tokens already checked against the store, for a short time, so that a machine client's
/// every request does not cost a database round trip. Revoking through this server clears it.
pub struct TokenCache {
    ttl: Duration,
    map: Mutex<HashMap<[u8; 32], (User, Instant)>>,
}

impl TokenCache {
    pub fn new(ttl: Duration) -> TokenCache {
        TokenCache {
            ttl,
            map: Mutex::new(HashMap::new()),
        }
    }
    pub fn get(&self, token: &str) -> Option<User> {
        let map = self.map.lock().ok()?;
        let (user, at) = map.get(&digest(token))?;
        (at.elapsed() < self.ttl).then(|| user.clone())
    }
    pub fn put(&self, token: &str, user: User) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() > 10_000 {
                map.clear();
            }
            map.insert(digest(token), (user, Instant::now()));
        }
    }
    pub fn clear(&self) {
        if let Ok(mut map) = self.map.lock() {
            map.clear();
        }
    }
}

#[derive(Default)]
struct Attempts {
    failures: u32,
    window_start: Option<Instant>,
    locked_until: Option<Instant>,
}

/// Sign-in throttling: after `per_user` failed sign-ins for one user name (or `per_address` from
/// one address) within the window, further attempts are refused for the lockout period, whether
/// the password is right or not.
pub struct Throttle {
    per_user: u32,
    per_address: u32,
    window: Duration,
    lockout: Duration,
    map: Mutex<HashMap<String, Attempts>>,
}

impl Throttle {
    pub fn new(per_user: u32, per_address: u32, window: Duration, lockout: Duration) -> Throttle {
        Throttle {
            per_user,
            per_address,
            window,
            lockout,
            map: Mutex::new(HashMap::new()),
        }
    }

    fn keys(username: &str, ip: &str) -> [String; 2] {
        [
            format!("u:{}", username.to_ascii_lowercase()),
            format!("a:{ip}"),
        ]
    }

    /// Seconds until sign-in is allowed again, when it is locked.
    pub fn locked(&self, username: &str, ip: &str) -> Option<u64> {
        let map = self.map.lock().ok()?;
        let now = Instant::now();
        Self::keys(username, ip)
            .iter()
            .filter_map(|k| map.get(k)?.locked_until)
            .filter(|until| *until > now)
            .map(|until| until.duration_since(now).as_secs().max(1))
            .max()
    }

    pub fn failed(&self, username: &str, ip: &str) {
        let Ok(mut map) = self.map.lock() else { return };
        let now = Instant::now();
        let [user_key, addr_key] = Self::keys(username, ip);
        for (key, limit) in [(user_key, self.per_user), (addr_key, self.per_address)] {
            let a = map.entry(key).or_default();
            if a.window_start
                .is_none_or(|s| now.duration_since(s) > self.window)
            {
                a.window_start = Some(now);
                a.failures = 0;
            }
            a.failures += 1;
            if a.failures >= limit {
                a.locked_until = Some(now + self.lockout);
            }
        }
    }

    pub fn succeeded(&self, username: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(&format!("u:{}", username.to_ascii_lowercase()));
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn user(name: &str) -> User {
        User {
            id: 1,
            username: name.into(),
            display_name: name.into(),
            roles: vec![Role::Coder],
            disabled: false,
        }
    }

    #[test]
    fn sessions_expire_after_inactivity_and_not_before() {
        let s = Sessions::new(Duration::from_millis(200));
        let (cookie, csrf) = s.start(user("ana")).unwrap();
        assert!(matches!(s.lookup(&cookie), SessionLookup::Active(_, c) if c == csrf));
        std::thread::sleep(Duration::from_millis(120));
        // Activity restarts the clock.
        assert!(matches!(s.lookup(&cookie), SessionLookup::Active(..)));
        std::thread::sleep(Duration::from_millis(120));
        assert!(matches!(s.lookup(&cookie), SessionLookup::Active(..)));
        std::thread::sleep(Duration::from_millis(260));
        assert!(matches!(s.lookup(&cookie), SessionLookup::Expired));
        assert!(matches!(s.lookup(&cookie), SessionLookup::Unknown));
        assert!(matches!(s.lookup("forged"), SessionLookup::Unknown));
    }

    #[test]
    fn throttle_locks_a_user_after_repeated_failures_and_a_success_resets() {
        let t = Throttle::new(3, 100, Duration::from_secs(60), Duration::from_secs(60));
        for _ in 0..2 {
            t.failed("Ana", "10.0.0.1");
        }
        assert_eq!(t.locked("ana", "10.0.0.1"), None);
        t.succeeded("ana");
        for _ in 0..2 {
            t.failed("ana", "10.0.0.1");
        }
        assert_eq!(
            t.locked("ana", "10.0.0.2"),
            None,
            "the success reset the count"
        );
        t.failed("ana", "10.0.0.1");
        assert!(
            t.locked("ana", "10.0.0.9").is_some(),
            "locked by user name from anywhere"
        );
        assert_eq!(t.locked("bo", "10.0.0.9"), None);
    }

    #[test]
    fn every_role_can_use_the_app_and_only_admins_administer() {
        for r in Role::ALL {
            assert!(role_permissions(*r).contains(&Permission::UseApp));
            assert_eq!(
                role_permissions(*r).contains(&Permission::Administer),
                *r == Role::Admin
            );
        }
        assert!(!role_permissions(Role::Admin).contains(&Permission::ViewPatients));
        assert!(!role_permissions(Role::Auditor).contains(&Permission::CodeClaims));
    }

    #[test]
    fn secrets_compare_by_value() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("", "a"));
    }
}
