//! Users, roles and passwords (argon2id hashes only; the password itself is never stored).

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{ARGON2ID_IDENT, Argon2};
use jiff::Timestamp;
use sqlx::AnyConnection;

use crate::audit::append_in;
use crate::error::Result;
use crate::model::{Actor, AuditAction, Role, User};
use crate::{Store, StoreError, get, ts_text};

/// The PHC string of an argon2id hash (default parameters: 19 MiB, 2 passes) with a random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let hash: PasswordHash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|_| StoreError::Password)?;
    Ok(hash.to_string())
}

/// Whether `password` matches an argon2id PHC string (anything else, including another algorithm, is no).
pub fn verify_password(phc: &str, password: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) if parsed.algorithm == ARGON2ID_IDENT => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        _ => false,
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| StoreError::Password)
}

fn valid_username(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@'))
}

async fn roles_of(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<Role>> {
    let rows = sqlx::query("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
        .bind(user_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut roles = Vec::new();
    for row in rows {
        let text: String = get(&row, "role")?;
        roles.push(Role::parse(&text).ok_or(StoreError::Invalid {
            field: "user_roles.role",
            reason: "unknown role".into(),
        })?);
    }
    roles.sort();
    Ok(roles)
}

impl Store {
    /// Creates a user with the given roles; the password is hashed with argon2id first.
    pub async fn create_user(
        &self,
        actor: &Actor,
        username: &str,
        display_name: &str,
        password: &str,
        roles: &[Role],
    ) -> Result<User> {
        if !valid_username(username) {
            return Err(StoreError::Invalid {
                field: "username",
                reason: "1 to 64 letters, digits, '.', '_', '-' or '@'".into(),
            });
        }
        if password.chars().count() < 12 {
            return Err(StoreError::Invalid {
                field: "password",
                reason: "at least 12 characters".into(),
            });
        }
        let pw = password.to_owned();
        let phc = blocking(move || hash_password(&pw)).await??;
        let now = Timestamp::now();
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "INSERT INTO users (username, display_name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(username)
        .bind(display_name)
        .bind(&phc)
        .bind(ts_text(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Duplicate { .. } => StoreError::Duplicate { what: "a user with that name" },
            other => other,
        })?;
        let id: i64 = get(&row, "id")?;
        let mut roles = roles.to_vec();
        roles.sort();
        roles.dedup();
        for role in &roles {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(id)
                .bind(role.as_str())
                .execute(&mut *tx)
                .await?;
        }
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Create.as_str(),
            "user",
            &id.to_string(),
            &actor.ip,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(User {
            id,
            username: username.to_owned(),
            display_name: display_name.to_owned(),
            roles,
            disabled: false,
        })
    }

    /// Replaces a user's roles.
    pub async fn set_roles(&self, actor: &Actor, user_id: i64, roles: &[Role]) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let found = sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let _ = found;
        let exists = sqlx::query("SELECT id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound {
                record: "user",
                id: user_id,
            });
        }
        for role in roles {
            sqlx::query(
                "INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(user_id)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?;
        }
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Update.as_str(),
            "user",
            &user_id.to_string(),
            &actor.ip,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The user with that name, if any (no audit entry: user records are not PHI).
    pub async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let mut conn = self.pool.acquire().await?;
        let Some(row) = sqlx::query(
            "SELECT id, username, display_name, disabled_at FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&mut *conn)
        .await?
        else {
            return Ok(None);
        };
        let id: i64 = get(&row, "id")?;
        let disabled: Option<String> = get(&row, "disabled_at")?;
        Ok(Some(User {
            id,
            username: get(&row, "username")?,
            display_name: get(&row, "display_name")?,
            roles: roles_of(&mut conn, id).await?,
            disabled: disabled.is_some(),
        }))
    }

    /// Checks a sign-in and records it (success or failure, with the address) in the audit log.
    /// `Ok(None)` for an unknown user, a wrong password or a disabled account, which take the same time.
    pub async fn sign_in(&self, username: &str, password: &str, ip: &str) -> Result<Option<User>> {
        let (id, phc, disabled) = {
            let row =
                sqlx::query("SELECT id, password_hash, disabled_at FROM users WHERE username = $1")
                    .bind(username)
                    .fetch_optional(&self.pool)
                    .await?;
            match row {
                Some(row) => (
                    Some(get::<i64>(&row, "id")?),
                    get::<String>(&row, "password_hash")?,
                    get::<Option<String>>(&row, "disabled_at")?.is_some(),
                ),
                // A real hash of nothing, so an unknown name costs what a known one does.
                None => (None, DUMMY_HASH.to_owned(), true),
            }
        };
        let pw = password.to_owned();
        let matches = blocking(move || verify_password(&phc, &pw)).await? && !disabled;
        let action = if matches {
            AuditAction::SignIn
        } else {
            AuditAction::SignInFailed
        };
        let record_id = id.map(|i| i.to_string()).unwrap_or_default();
        let mut tx = self.write_tx().await?;
        append_in(
            &mut tx,
            username,
            action.as_str(),
            "user",
            &record_id,
            ip,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        if matches {
            self.user_by_username(username).await
        } else {
            Ok(None)
        }
    }

    /// Sets a new password (hashed with argon2id).
    pub async fn set_password(&self, actor: &Actor, user_id: i64, password: &str) -> Result<()> {
        if password.chars().count() < 12 {
            return Err(StoreError::Invalid {
                field: "password",
                reason: "at least 12 characters".into(),
            });
        }
        let pw = password.to_owned();
        let phc = blocking(move || hash_password(&pw)).await??;
        let mut tx = self.write_tx().await?;
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(&phc)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                record: "user",
                id: user_id,
            });
        }
        append_in(
            &mut tx,
            &actor.name,
            AuditAction::Update.as_str(),
            "user",
            &user_id.to_string(),
            &actor.ip,
            Timestamp::now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// argon2id of a random 32-byte string nobody knows, with the default parameters.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1m4O2XkE4m2sNzxB1sZ6Nw3T6k1r1kq0bq4yV2x3yQw";

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_dummy_hash_is_a_real_argon2id_hash_so_unknown_users_cost_the_same() {
        let parsed = PasswordHash::new(DUMMY_HASH).unwrap();
        assert_eq!(parsed.algorithm, ARGON2ID_IDENT);
        assert!(!verify_password(DUMMY_HASH, ""));
        let real = hash_password("x").unwrap();
        let real = PasswordHash::new(&real).unwrap();
        assert_eq!(
            real.params.to_string(),
            parsed.params.to_string(),
            "same cost as a real hash"
        );
    }

    #[test]
    fn verify_accepts_only_argon2id() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse batterY"));
        assert!(!verify_password(
            "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1m4O2XkE4m2sNzxB1sZ6Nw3T6k1r1kq0bq4yV2x3yQw",
            "x"
        ));
        assert!(!verify_password("plain", "plain"));
    }
}
