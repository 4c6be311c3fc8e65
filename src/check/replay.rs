//! Counterexamples as ordinary runs: a model checker's moves become scripted interventions
//! ([`Scripted`]) of a world whose network and timers do nothing on their own
//! ([`SimConfig::scripted`]), so `paxoscope run --import`, the page's import and the
//! visualizer replay them like any other trace and reach the same violation.

use super::{Model, Move, MOVE_SPACING};
use crate::engine::{Address, ClientId, TimerKind};
use crate::sim::history::NoRecord;
use crate::sim::intervention::{Action, Intervention, Scripted};
use crate::sim::{Run, SimConfig, World};

/// Writes the prefix and `path` as interventions, one move every [`MOVE_SPACING`], by playing
/// them in a scripted world and naming each message by the id the world gave it.
pub fn script(model: &Model, path: &[Move]) -> Result<Vec<Intervention>, String> {
    let mut world = World::new(model.sim.clone());
    let mut ivs: Vec<Intervention> = Vec::new();
    // The boots: the only steps a scripted world takes on its own.
    while world.step(&ivs, &mut NoRecord) {}
    let mut at = 0;
    for mv in model.prefix.iter().chain(path) {
        let id_of = |world: &World, e: &super::Envelope| {
            world
                .in_flight_id(e.from, e.to, &e.msg)
                .ok_or_else(|| format!("the world has no message for move '{}'", mv.describe()))
        };
        let actions = match mv {
            Move::Deliver(e) => vec![Action::Script(Scripted::Deliver(id_of(&world, e)?))],
            Move::Duplicate(e) => vec![Action::Script(Scripted::Duplicate(id_of(&world, e)?))],
            Move::Lose(e) => vec![Action::Script(Scripted::Lose(id_of(&world, e)?))],
            Move::Fire(a, t) => vec![Action::Script(Scripted::Fire { at: *a, timer: *t })],
            Move::Crash(n) => vec![Action::Crash(*n)],
            Move::Restart(n) => vec![Action::Restart(*n)],
            Move::Request(n) => {
                let client = Address::Client(ClientId(world.clients.len() as u16));
                vec![
                    Action::ClientRequest { node: *n, count: 1 },
                    Action::Script(Scripted::Fire {
                        at: client,
                        timer: TimerKind::ClientNext,
                    }),
                ]
            }
        };
        for action in actions {
            at += MOVE_SPACING;
            ivs.push(Intervention::new(at, action));
            world.step(&ivs, &mut NoRecord);
        }
    }
    Ok(ivs)
}

/// The counterexample as a run of the ordinary simulator, stepped to its end.
pub fn run(model: &Model, path: &[Move]) -> Result<Run, String> {
    let ivs = script(model, path)?;
    let cfg: SimConfig = model.sim.clone();
    let mut run = Run::new(cfg, ivs)?;
    while run.step() {}
    Ok(run)
}
