//! Health grids (issue #5): the store of health polls, the driver that polls every health
//! grid panel's endpoints (panels never fetch), and the hooks the panel frame and the
//! banner read. Components are in `health/panel.rs`.
//!
//! The driver runs one `io::health_poll` loop per endpoint wanted by any panel (shared when
//! two panels show the same service), restarts it when its target changes (URL, interval,
//! timeout) and aborts every loop on cleanup. In a snapshot it polls nothing: the store holds
//! the snapshot's stored polls and judges staleness at the instant the snapshot was taken.

mod dom;
mod panel;

pub use panel::HealthGrid;

use super::state::AppState;
use crate::core::health::{panel_health, plan_panel, to_status, HealthData, PanelHealth, PanelPlan, Target};
use crate::core::spec::PanelDef;
use crate::core::snapshot::stored_plan;
use crate::core::status::Status;
use crate::io::health_poll;
use futures::future::AbortHandle;
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// Health polls and the per-panel view models, provided as context by [`use_health_poller`].
#[derive(Clone, Copy)]
pub struct HealthStore {
    /// Every poll result and the bounded histories.
    pub data: RwSignal<HealthData>,
    /// Each health grid panel's plan, by panel id (`None` until `datasources.json` is read).
    pub plans: Memo<Vec<(String, Option<PanelPlan>)>>,
    /// Each health grid panel's state, grid and worst state, by panel id.
    pub panels: Memo<HashMap<String, PanelHealth>>,
    /// The instant a snapshot was taken, while one is open (its polls are judged then).
    pub frozen_at: RwSignal<Option<i64>>,
}

impl HealthStore {
    /// A store deriving plans from the app's dashboard and registry. Provides it as context.
    pub fn provide(state: AppState) -> Self {
        let data = RwSignal::new(HealthData::default());
        let frozen_at = RwSignal::new(None::<i64>);
        let plans = Memo::new(move |_| {
            let snapshot = crate::ui::snapshot::stored_health(state);
            state.registry.with(|registry| {
                state.dashboard.with(|d| {
                    d.panels
                        .iter()
                        .filter_map(|p| match &p.def {
                            PanelDef::HealthGrid(spec) => {
                                let plan = registry.as_ref().map(|r| plan_panel(spec, &p.datasource, r, d.refresh_s));
                                // A snapshot shows its stored polls even where this page's
                                // datasources cannot resolve the panel.
                                let plan = match (&snapshot, plan) {
                                    (Some((_, polls)), None) => Some(stored_plan(spec, &p.datasource, polls, d.refresh_s)),
                                    (Some((_, polls)), Some(plan)) if plan.error.is_some() => {
                                        Some(stored_plan(spec, &p.datasource, polls, d.refresh_s))
                                    }
                                    (_, plan) => plan,
                                };
                                Some((p.id.clone(), plan))
                            }
                            _ => None,
                        })
                        .collect::<Vec<_>>()
                })
            })
        });
        let panels = Memo::new(move |_| {
            let now = frozen_at.get().unwrap_or_else(|| state.clock_ms.get());
            plans.with(|plans| {
                data.with(|data| {
                    plans.iter().map(|(id, plan)| (id.clone(), panel_health(plan.as_ref(), data, now))).collect()
                })
            })
        });
        let store = Self { data, plans, panels, frozen_at };
        provide_context(store);
        store
    }

    /// The instant polls are judged at: the snapshot's, or now (tracked).
    pub fn now(&self, state: AppState) -> i64 {
        self.frozen_at.get().unwrap_or_else(|| state.clock_ms.get())
    }

    /// The banner statuses of every health grid panel: its worst row, Unknown while loading.
    pub fn statuses(&self) -> Vec<Status> {
        self.panels.with(|m| m.values().map(|p| to_status(p.worst)).collect())
    }
}

/// Starts polling for every health grid panel of the app and provides the [`HealthStore`].
/// Called once by the root component, beside the panel fetcher.
pub fn use_health_poller(state: AppState) -> HealthStore {
    let store = HealthStore::provide(state);
    let running: Arc<Mutex<HashMap<Target, AbortHandle>>> = Arc::default();
    {
        let running = running.clone();
        on_cleanup(move || {
            if let Ok(mut m) = running.lock() {
                m.drain().for_each(|(_, h)| h.abort());
            }
        });
    }
    Effect::new(move |_| {
        let snapshot = crate::ui::snapshot::stored_health(state);
        let was_frozen = store.frozen_at.get_untracked().is_some();
        if let Some((taken_at, polls)) = snapshot {
            if let Ok(mut m) = running.lock() {
                m.drain().for_each(|(_, h)| h.abort());
            }
            let mut data = HealthData::default();
            // Each stored poll replays its checks' history first, so the strips show it.
            polls.iter().for_each(|p| p.replay().into_iter().for_each(|x| data.record(&p.datasource, x)));
            store.data.set(data);
            store.frozen_at.set(Some(taken_at));
            return;
        }
        if was_frozen {
            store.frozen_at.set(None);
            store.data.set(HealthData::default());
        }
        let wanted: HashSet<Target> = store
            .plans
            .with(|plans| plans.iter().filter_map(|(_, p)| p.as_ref()).flat_map(|p| p.targets.iter().cloned()).collect());
        let Ok(mut m) = running.lock() else { return };
        m.retain(|target, handle| {
            let keep = wanted.contains(target);
            if !keep {
                handle.abort();
            }
            keep
        });
        for target in wanted {
            if m.contains_key(&target) {
                continue;
            }
            let data = store.data;
            let datasource = target.datasource.clone();
            let handle = health_poll::start(target.clone(), move |polled| {
                data.try_update(|d| d.record(&datasource, polled));
            });
            m.insert(target, handle);
        }
    });
    store
}

/// The health panels' banner statuses, for the banner (empty when nothing polls health).
pub fn banner_statuses() -> Signal<Vec<Status>> {
    let store = use_context::<HealthStore>();
    Signal::derive(move || store.map(|s| s.statuses()).unwrap_or_default())
}

/// The `data-state` of a health grid panel (`None` for other panels or without a store).
pub fn data_state(panel_id: String) -> Signal<Option<&'static str>> {
    let store = use_context::<HealthStore>();
    Signal::derive(move || store.and_then(|s| s.panels.with(|m| m.get(&panel_id).map(|p| p.state.as_str()))))
}
