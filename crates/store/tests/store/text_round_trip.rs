//! Every text the domain accepts comes back from storage exactly, on both backends: posts,
//! about-me texts and usernames holding each edge character (controls, separators, emoji,
//! combining marks, right-to-left text). Control characters are refused before storage is
//! asked (a NUL used to make PostgreSQL fail the insert).

use microblog_domain::ports::{PostRepository, UserRepository};
use microblog_domain::{AboutMe, AboutMeError, PageRequest, PostBody, PostBodyError, Username};
use microblog_testkit::contract::user_repository::new_user;
use time::macros::datetime;

/// Characters that have broken storage or rendering somewhere: every C0 control, DEL, every
/// C1 control, then the Unicode line and paragraph separators, invisible and bidi
/// characters, emoji (with joiners, flags, skin tones), combining marks, right-to-left
/// text, noncharacters, private use, quotes, backslashes and SQL wildcards.
fn edge_pieces() -> Vec<String> {
    let controls = (0u32..0x20).chain([0x7f]).chain(0x80..0xa0);
    let mut pieces: Vec<String> = controls
        .filter_map(char::from_u32)
        .map(String::from)
        .collect();
    pieces.extend(
        [
            "\r\n",
            "\u{2028}",
            "\u{2029}",
            "\u{a0}",
            "\u{200b}",
            "\u{200d}",
            "\u{202e}",
            "\u{2066}",
            "\u{feff}",
            "\u{ad}",
            "😀",
            "👩\u{200d}👩\u{200d}👧",
            "🇫🇷",
            "👍🏽",
            "e\u{301}",
            "a\u{300}\u{301}\u{302}\u{303}\u{304}",
            "שלום",
            "مرحبا",
            "\u{fffd}",
            "\u{ffff}",
            "\u{10ffff}",
            "\u{e000}",
            "'\"",
            "\\",
            "%_",
            "'); DROP TABLE post; --",
        ]
        .map(String::from),
    );
    pieces
}

on_each_backend! {
    accepted_posts_and_about_me_texts_round_trip => |test_db, db| async {
        let (users, posts) = (db.users(), db.posts());
        let author = users.create(new_user("susan", "susan@example.com")).await.expect("user");
        let mut texts: Vec<String> = edge_pieces().iter().map(|p| format!("a{p}b")).collect();
        texts.push("😀".repeat(PostBody::MAX_CHARS));
        texts.push("e\u{301}".repeat(PostBody::MAX_CHARS / 2));
        texts.push("one\r\ntwo\n\tthree".to_owned());
        let at = datetime!(2026-01-01 12:00 UTC);
        let (mut stored, mut refused) = (0, 0);
        for text in &texts {
            match PostBody::parse(text) {
                Ok(body) => {
                    let created = posts.create(author.id, &body, at).await.expect("create");
                    assert_eq!(created.body, body, "create returns {text:?} unchanged");
                    stored += 1;
                }
                Err(PostBodyError::ControlCharacter) => refused += 1,
                Err(other) => panic!("{text:?} refused for {other:?}"),
            }
            match AboutMe::parse(text) {
                Ok(about) => {
                    let updated = users.update_profile(author.id, &author.username, &about).await;
                    assert_eq!(updated.expect("update_profile").about_me, about);
                    let read = users.by_id(author.id).await.expect("by_id").expect("user");
                    assert_eq!(read.about_me, about, "about-me {text:?} comes back unchanged");
                }
                Err(AboutMeError::ControlCharacter) => {}
                Err(other) => panic!("{text:?} refused for {other:?}"),
            }
        }
        // 32 C0 + DEL + 32 C1, less tab and line feed, are refused; the rest is stored.
        assert_eq!(refused, 63, "every control character but tab and line feed is refused");
        let page = posts.by_author(author.id, PageRequest::new(1, 500)).await.expect("read");
        let mut read: Vec<&str> = page.items.iter().map(|p| p.post.body.as_str()).collect();
        let mut accepted: Vec<&str> = texts
            .iter()
            .filter(|text| PostBody::parse(text).is_ok())
            .map(String::as_str)
            .collect();
        read.sort_unstable();
        accepted.sort_unstable();
        assert_eq!(read.len(), stored);
        assert_eq!(read, accepted, "every accepted post comes back byte for byte");
    };

    accepted_usernames_round_trip_byte_for_byte => |test_db, db| async {
        let users = db.users();
        let mut names: Vec<String> = [
            "susan", "Zoë", "Ζωή", "Борис", "田中たなか", "Tanaka田中", "김민준", "שלום",
            "مرحبا", "😀", "a😀b", "🇫🇷", "e\u{301}\u{302}x", "𝓶𝓪𝓻𝔂", "'\"%_\\", "a.b-c_d",
        ]
        .map(String::from)
        .to_vec();
        names.push("x".repeat(Username::MAX_CHARS));
        names.push("😀".repeat(Username::MAX_CHARS));
        for (i, raw) in names.iter().enumerate() {
            let name = Username::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
            let created = users.create(new_user(raw, &format!("user{i}@example.com"))).await;
            let created = created.unwrap_or_else(|e| panic!("storing {raw:?}: {e:?}"));
            assert_eq!(created.username, name, "create returns {raw:?} unchanged");
            let found = users.by_username(&name).await.expect("by_username");
            assert_eq!(found.map(|u| u.id), Some(created.id), "{raw:?} is found exactly");
            let by_id = users.by_id(created.id).await.expect("by_id").expect("user");
            assert_eq!(by_id.username.as_str(), raw.as_str(), "{raw:?} byte for byte");
        }
        for refused in ["al\u{200b}ice", "bob\u{202e}", "p\u{430}ypal", "a\0b", "a\u{85}b", "a\u{9f}b"] {
            assert!(Username::parse(refused).is_err(), "{refused:?} never reaches storage");
        }
    };
}
