//! What a realm costs: `create_realm` in a loop (collecting every 100, as a program that drops
//! its contexts would), with the objects each realm adds.
fn main() {
    let mut rt = kiln::Runtime::new();
    let vm = &mut rt.vm;
    vm.create_realm();
    let before = vm.agent.heap.objects.live();
    vm.create_realm();
    let per_realm = vm.agent.heap.objects.live() - before;
    let rounds = 20_000;
    let t = std::time::Instant::now();
    for i in 0..rounds {
        vm.create_realm();
        if i % 100 == 99 {
            vm.collect_garbage();
        }
    }
    let el = t.elapsed();
    println!(
        "{:.1} us per realm ({per_realm} objects each), {} realms allocated at the end",
        el.as_secs_f64() * 1e6 / rounds as f64,
        vm.realms.list.len()
    );
}
