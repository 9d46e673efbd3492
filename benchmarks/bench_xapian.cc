// benchmarks/bench_xapian.cc: the Xapian side of bench_engines (Xapian's API
// is C++). Reads the units and the queries bench_engines wrote, builds a
// Xapian database with CJK n-grams, answers the queries (top 10, warm) and
// prints one result line in bench_engines's format. Built only when
// libxapian-dev is present. Usage: bench_xapian UNITS QUERIES DBDIR
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

static double now()
{
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        std::cerr << "usage: bench_xapian UNITS QUERIES DBDIR\n";
        return 2;
    }
    std::ifstream units(argv[1]), queries(argv[2]);
    double t0 = now();
    {
        Xapian::WritableDatabase db(argv[3], Xapian::DB_CREATE_OR_OVERWRITE);
        Xapian::TermGenerator tg;
        tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
        std::string line;
        db.begin_transaction();
        while (std::getline(units, line)) {
            Xapian::Document doc;
            tg.set_document(doc);
            tg.index_text(line);
            db.add_document(doc);
        }
        db.commit_transaction();
        db.commit();
    }
    double build = now() - t0;
    Xapian::Database db(argv[3]);
    Xapian::Enquire enq(db);
    Xapian::QueryParser qp;
    qp.set_database(db);
    std::vector<std::vector<double>> lat(5);
    std::string line;
    unsigned long long matched = 0, grep_total = 0, found_total = 0;
    while (std::getline(queries, line)) {
        // cls \t grep \t a \t b \t text
        std::vector<std::string> f;
        size_t at = 0, tab;
        while ((tab = line.find('\t', at)) != std::string::npos) {
            f.push_back(line.substr(at, tab - at));
            at = tab + 1;
        }
        f.push_back(line.substr(at));
        if (f.size() < 5)
            continue;
        int cls = std::stoi(f[0]);
        unsigned long long grep = std::stoull(f[1]);
        std::string q = f[4];
        unsigned flags = Xapian::QueryParser::FLAG_CJK_NGRAM | Xapian::QueryParser::FLAG_DEFAULT;
        // keywords: every word required; a phrase quoted; questions and
        // article references as typed (the parser's default: any word)
        qp.set_default_op(cls <= 1 ? Xapian::Query::OP_AND : Xapian::Query::OP_OR);
        std::string text = cls == 2 ? "\"" + q + "\"" : q;
        double a = now();
        Xapian::Query query = qp.parse_query(text, flags);
        enq.set_query(query);
        Xapian::MSet top = enq.get_mset(0, 10);
        lat[cls].push_back((now() - a) * 1e3);
        if (cls <= 2) {
            Xapian::MSet all = enq.get_mset(0, db.get_doccount());
            unsigned long long n = all.size();
            matched += n;
            grep_total += grep;
            found_total += std::min(n, grep);
        }
    }
    long bytes = 0;
    std::string cmd = std::string("du -sb '") + argv[3] + "' | cut -f1";
    if (FILE *p = popen(cmd.c_str(), "r")) {
        if (fscanf(p, "%ld", &bytes) != 1)
            bytes = 0;
        pclose(p);
    }
    printf("%.3f\t%ld", build, bytes);
    for (auto &v : lat) {
        std::sort(v.begin(), v.end());
        double p50 = v.empty() ? 0 : v[v.size() / 2], p99 = v.empty() ? 0 : v[v.size() * 99 / 100];
        printf("\t%.3f\t%.3f", p50, p99);
    }
    printf("\t%llu\t%.4f\n", matched, grep_total ? (double)found_total / grep_total : 1.0);
    return 0;
}
