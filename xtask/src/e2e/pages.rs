//! The signed-in pages the reset flow does not pass through — explore, a profile, the
//! profile, address and password forms, the logout confirmation, a missing page — each visited as a
//! person would reach it, so that the walk screenshots it and audits it like every other.

use super::browser::Browser;
use super::walk::Walk;
use anyhow::bail;

/// Visits the pages, signed in as `username`, who has written a post.
///
/// # Errors
/// The first step that fails, by name.
pub async fn visit(walk: &mut Walk<'_>, base_url: &str, username: &str) -> anyhow::Result<()> {
    walk.step("explore", async |b| {
        b.click_link("Explore").await?;
        b.expect_path("/explore").await?;
        local_avatars(b, username).await
    })
    .await?;
    walk.step("profile", async |b| {
        b.click_link("Profile").await?;
        b.expect_path(&format!("/user/{username}")).await?;
        b.expect_text(&format!("User: {username}")).await?;
        local_avatars(b, username).await
    })
    .await?;
    walk.step("edit-profile-form", async |b| {
        b.click_link("Edit your profile").await?;
        b.expect_path("/edit_profile").await?;
        b.expect_text("Edit Profile").await
    })
    .await?;
    walk.step("change-email-form", async |b| {
        b.click_link("Change your email address").await?;
        b.expect_path("/change_email").await?;
        b.expect_text("Change Your Email Address").await
    })
    .await?;
    walk.step("change-password-form", async |b| {
        b.click_link("Profile").await?;
        b.click_link("Change your password").await?;
        b.expect_path("/change_password").await?;
        b.expect_text("Change Your Password").await
    })
    .await?;
    walk.step("logout-confirmation", async |b| {
        b.open(&format!("{base_url}/logout")).await?;
        b.expect_text("Log out?").await?;
        b.expect_text(&format!("You are signed in as {username}."))
            .await
    })
    .await?;
    walk.step("page-not-found", async |b| {
        let missing = format!("{base_url}/no/such/page");
        b.open(&missing).await?;
        b.expect_text("File Not Found").await?;
        // The browser logs the page's own 404; that one, and only that one, is expected.
        let expected = format!("{missing} - Failed to load resource: the server responded with a status of 404 (Not Found)");
        let console = b.console().await?;
        if console.errors != [expected] {
            bail!("the 404 page's console: {:?}", console.errors);
        }
        Ok(())
    })
    .await
}

/// The page's avatars are this site's generated ones (the console check has already failed
/// the step if one did not load), and none comes from Gravatar.
async fn local_avatars(b: &Browser, username: &str) -> anyhow::Result<()> {
    let own = format!("img.avatar[src^=\"/avatar/{username}.svg\"]");
    if !b.has(&own).await? {
        bail!("no local avatar of {username} ({own}) on the page");
    }
    if b.has("img[src*=\"gravatar\"]").await? {
        bail!("an avatar still comes from Gravatar");
    }
    Ok(())
}
