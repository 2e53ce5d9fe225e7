#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    newsdesk_fuzz::query(data);
});
