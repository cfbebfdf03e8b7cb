//! Connect Azure as plain state: what the last Re-check found (or why it
//! stopped), what is picked, the verdicts of this session, and the
//! subscriptions connected to Escher (saved in the settings).

use crate::azure::diagnose::{Case, Diagnosis};
use crate::azure::discover::{Found, Stopped};
use crate::azure::find::AzCli;
use crate::azure::ids::Guid;
use crate::azure::saved::SavedSubscription;
use crate::azure::search::{Matches, SearchIndex};
use crate::azure::steps::{self, Step};
use crate::azure::subscriptions::Subscription;
use crate::azure::verify::Verdict;
use crate::terminal::TerminalRequest;
use crate::wizard::azure_sign_in::AzureSignIn;
use std::collections::{HashMap, HashSet};

#[derive(Default)]
pub struct AzureState {
    /// The az found by the last Re-check, so the next one skips `az version`.
    pub az: Option<AzCli>,
    found: Option<Found>,
    index: Option<SearchIndex>,
    /// Why the last Re-check stopped, or what is wrong with the sign-in as
    /// a whole (no subscription, only another cloud).
    problems: Vec<Diagnosis>,
    /// The search box's text.
    pub query: String,
    picked: HashSet<Guid>,
    verdicts: HashMap<Guid, Verdict>,
    /// Connected subscriptions: what the settings keep.
    saved: Vec<SavedSubscription>,
    /// Re-checks asked for in Settings that wait for a listing.
    pending: Vec<Guid>,
    /// Why such a Re-check could not verify a subscription (the sign-in
    /// stopped, or no longer lists it).
    row_problems: HashMap<Guid, Diagnosis>,
    /// Counts changes to `saved`.
    revision: u64,
    /// Sign in with Azure: the fields and the running `az login`.
    pub sign_in: AzureSignIn,
    /// Tenants the last sign-in could not reach (MFA, Conditional Access).
    tenants_left: Vec<Diagnosis>,
    /// A sign-in ended signed in: Re-check by itself.
    recheck_due: bool,
}

impl std::fmt::Debug for AzureState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AzureState")
            .field("found", &self.found)
            .field("problems", &self.problems)
            .field("saved", &self.saved)
            .finish_non_exhaustive()
    }
}

impl Clone for AzureState {
    fn clone(&self) -> Self {
        AzureState {
            az: self.az.clone(),
            index: self.found.as_ref().map(|f| SearchIndex::new(&f.listing)),
            found: self.found.clone(),
            problems: self.problems.clone(),
            query: self.query.clone(),
            picked: self.picked.clone(),
            verdicts: self.verdicts.clone(),
            saved: self.saved.clone(),
            pending: self.pending.clone(),
            row_problems: self.row_problems.clone(),
            revision: self.revision,
            sign_in: self.sign_in.clone(),
            tenants_left: self.tenants_left.clone(),
            recheck_due: self.recheck_due,
        }
    }
}

impl AzureState {
    pub fn from_saved(saved: Vec<SavedSubscription>) -> Self {
        AzureState {
            saved,
            ..Default::default()
        }
    }

    /// Changes whenever `saved` may have.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn saved(&self) -> &[SavedSubscription] {
        &self.saved
    }

    pub fn found(&self) -> Option<&Found> {
        self.found.as_ref()
    }

    pub fn problems(&self) -> &[Diagnosis] {
        &self.problems
    }

    /// Take in a Re-check: the picker's data with Enabled subscriptions
    /// ticked (those already connected too), or the reason it stopped.
    pub fn take_found(&mut self, result: Result<Found, Stopped>) {
        match result {
            Ok(found) => {
                self.az = Some(found.az.clone());
                self.problems = found.problems();
                self.picked = found.listing.preselected().into_iter().collect();
                self.picked.extend(
                    self.saved
                        .iter()
                        .map(|s| s.subscription_id.clone())
                        .filter(|id| found.listing.find(id).is_some_and(|s| s.state.pickable())),
                );
                self.index = Some(SearchIndex::new(&found.listing));
                self.found = Some(found);
            }
            Err(stopped) => {
                for id in std::mem::take(&mut self.pending) {
                    self.row_problems.insert(id, stopped.diagnosis.clone());
                }
                // A too-old az must have its version read again next time.
                let too_old = stopped.diagnosis.case == Case::AzTooOld;
                self.az = stopped.az.filter(|_| !too_old);
                self.problems = vec![stopped.diagnosis];
                self.found = None;
                self.index = None;
                self.picked.clear();
            }
        }
    }

    /// A sign-in ended: a signed-in one keeps the tenants it could not
    /// reach, shown beside the picker.
    pub fn take_sign_in(&mut self, ended: &crate::azure::login::Ended) {
        self.sign_in.ended(ended);
        if let crate::azure::login::Ended::SignedIn { tenants_left } = ended {
            self.tenants_left = tenants_left.clone();
            self.recheck_due = true;
            if let Some(id) = self.sign_in.from_row.clone() {
                self.request_recheck(&id);
            }
        }
    }

    /// Whether a sign-in asked for a Re-check (once).
    pub fn take_recheck_due(&mut self) -> bool {
        std::mem::take(&mut self.recheck_due)
    }

    pub fn tenants_left(&self) -> &[Diagnosis] {
        &self.tenants_left
    }

    /// Who the listed sign-in is: the user az lists for the default
    /// subscription (else the first), and how many others it lists.
    pub fn signed_in_as(&self) -> Option<String> {
        let listing = &self.found.as_ref()?.listing;
        let mut users: Vec<&str> = Vec::new();
        let default_first = listing
            .subscriptions()
            .filter(|s| s.is_default)
            .chain(listing.subscriptions());
        for s in default_first {
            if !s.user_name.is_empty() && !users.contains(&s.user_name.as_str()) {
                users.push(&s.user_name);
            }
        }
        match users.as_slice() {
            [] => None,
            [one] => Some((*one).to_owned()),
            [first, rest @ ..] => Some(format!("{first} and {} more", rest.len())),
        }
    }

    /// The cloud the last Re-check found active.
    pub fn active_cloud(&self) -> Option<&str> {
        self.found.as_ref().map(|f| f.cloud.name.as_str())
    }

    /// What the search box lets through; everything before a Re-check.
    pub fn matches(&self) -> Matches {
        match &self.index {
            Some(index) => index.search(&self.query),
            None => Matches {
                tenants: Vec::new(),
            },
        }
    }

    pub fn is_picked(&self, id: &Guid) -> bool {
        self.picked.contains(id)
    }

    /// Disabled and Deleted subscriptions cannot be picked.
    pub fn pick(&mut self, id: &Guid, on: bool) {
        let pickable = self
            .found
            .as_ref()
            .and_then(|f| f.listing.find(id))
            .is_some_and(|s| s.state.pickable());
        if on && pickable {
            self.picked.insert(id.clone());
        } else {
            self.picked.remove(id);
        }
    }

    /// The picked subscriptions, in the listing's order.
    pub fn picked_subscriptions(&self) -> Vec<Subscription> {
        self.found
            .iter()
            .flat_map(|f| f.listing.subscriptions())
            .filter(|s| self.picked.contains(&s.id) && s.state.pickable())
            .cloned()
            .collect()
    }

    pub fn verdict(&self, id: &Guid) -> Option<&Verdict> {
        self.verdicts.get(id)
    }

    /// Settings → Re-check of a connected subscription: verified again
    /// once a listing is at hand (`take_pending`).
    pub fn request_recheck(&mut self, id: &Guid) {
        self.row_problems.remove(id);
        if !self.pending.contains(id) {
            self.pending.push(id.clone());
        }
    }

    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The waiting Re-checks the last listing has, to verify; one it no
    /// longer lists gets its problem at once.
    pub fn take_pending(&mut self) -> Vec<Subscription> {
        let Some(found) = &self.found else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for id in std::mem::take(&mut self.pending) {
            match found.listing.find(&id) {
                Some(sub) => out.push(sub.clone()),
                None => {
                    let tenant = self
                        .saved
                        .iter()
                        .find(|s| s.subscription_id == id)
                        .map(|s| s.tenant_id.clone());
                    let why = "az account list --all does not list it";
                    let d =
                        crate::azure::diagnose::subscription_not_found(&id, tenant.as_ref(), why);
                    self.row_problems.insert(id, d);
                }
            }
        }
        out
    }

    /// What a Settings Re-check of this subscription found, if it failed
    /// before ARM was asked.
    pub fn row_problem(&self, id: &Guid) -> Option<&Diagnosis> {
        self.row_problems.get(id)
    }

    /// Take in verdicts: a verified subscription is connected (or its
    /// saved entry updated, its toggle kept).
    pub fn take_verdicts(&mut self, cloud: &str, verdicts: Vec<Verdict>) {
        for v in verdicts {
            match self
                .saved
                .iter_mut()
                .find(|s| s.subscription_id == v.subscription_id)
            {
                Some(s) => s.update_from(&v),
                None => self
                    .saved
                    .extend(SavedSubscription::from_verdict(cloud, &v)),
            }
            self.row_problems.remove(&v.subscription_id);
            self.verdicts.insert(v.subscription_id.clone(), v);
        }
        self.revision += 1;
    }

    /// At least one subscription is connected.
    pub fn can_continue(&self) -> bool {
        !self.saved.is_empty()
    }

    pub fn set_enabled(&mut self, id: &Guid, on: bool) {
        if let Some(s) = self.saved.iter_mut().find(|s| &s.subscription_id == id) {
            s.enabled = on;
            self.revision += 1;
        }
    }

    /// From Escher only; the Azure CLI's sign-in is not touched.
    pub fn remove(&mut self, id: &Guid) {
        self.saved.retain(|s| &s.subscription_id != id);
        self.verdicts.remove(id);
        self.revision += 1;
    }

    /// The tenant's title when the last Re-check listed it.
    pub fn tenant_title(&self, id: &Guid) -> Option<String> {
        self.found.as_ref()?.listing.tenant(id).map(|t| t.title())
    }

    /// The numbered commands, for the active cloud once it is known, with
    /// the tenant filled in when the sign-in reaches only one.
    pub fn steps(&self) -> Vec<Step> {
        let cloud = self.found.as_ref().map(|f| &f.cloud);
        let tenant = match self.found.as_ref().map(|f| f.listing.tenants.as_slice()) {
            Some([only]) => Some(&only.id),
            _ => None,
        };
        steps::steps(cloud, tenant)
    }

    /// The guide `>_ Open Terminal` shows, or the one command to run.
    pub fn terminal_request(&self, only: Option<usize>) -> TerminalRequest {
        let steps = self.steps();
        let title = "Escher: connect Azure".to_owned();
        if let Some(step) = only.and_then(|i| steps.get(i)) {
            return TerminalRequest::one(title, step.argv.clone());
        }
        let lines: Vec<String> = steps
            .iter()
            .map(|s| format!("  {}. {}", s.number, s.line()))
            .collect();
        TerminalRequest::guide(title, &lines, &[steps::SELECT_HINT])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::subscriptions::State;
    use crate::azure::verify::Outcome;

    fn verified(id: &str) -> Verdict {
        Verdict {
            subscription_id: Guid::parse(id).unwrap(),
            name: "Contoso Production".into(),
            tenant_id: Guid::parse("c0000000-0000-0000-0000-00000000000c").unwrap(),
            user_name: "alice@contoso.com".into(),
            state: State::Enabled,
            outcome: Outcome::Verified {
                can_write: Some(false),
                write_actions: Vec::new(),
            },
            checked_at: std::time::SystemTime::now(),
        }
    }

    /// The settings are written when the revision moves: every change to
    /// what they keep must move it.
    #[test]
    fn every_change_to_the_saved_subscriptions_is_seen_by_the_saver() {
        let id = "aaaaaaaa-0000-0000-0000-000000000001";
        let g = Guid::parse(id).unwrap();
        let mut a = AzureState::default();
        let mut last = a.revision();
        let mut moved = |a: &AzureState, what: &str| {
            assert!(a.revision() > last, "{what} did not move the revision");
            last = a.revision();
        };
        a.take_verdicts("AzureCloud", vec![verified(id)]);
        moved(&a, "a verification");
        assert!(a.can_continue());
        a.set_enabled(&g, false);
        moved(&a, "a toggle");
        assert!(!a.saved()[0].enabled);
        a.take_verdicts("AzureCloud", vec![verified(id)]);
        moved(&a, "a second verification");
        assert!(!a.saved()[0].enabled, "the toggle is the user's");
        a.remove(&g);
        moved(&a, "a removal");
        assert!(!a.can_continue());
    }
}
